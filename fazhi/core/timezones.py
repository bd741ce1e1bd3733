"""The bureau's time zone, in which legal periods, day boundaries and local times are counted."""

from zoneinfo import ZoneInfo

# A constant rather than settings.TIME_ZONE: deadlines of the law and FZX times without an
# offset are Beijing time whatever zone a deployment displays in, and modules of pure date
# arithmetic (patrol.periods) need it without reading settings.
SHANGHAI = ZoneInfo("Asia/Shanghai")
