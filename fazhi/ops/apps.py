from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class OpsConfig(registry.FazhiAppConfig):
    name = "fazhi.ops"
    verbose_name = "运维"
    # /healthz and /metrics at the site's root, where load balancers and Prometheus look.
    # No nav entry and no panel: nothing here is for the bureau's users.
    url_prefix = ""
    url_order = 10
