import time
from fazhi.patrol.tests.conftest import _show, patrol_store, CLEAN_FILE
def test_clean(db):
    from fazhi.exchange.services import import_bundle
    t0=time.time()
    rep = import_bundle([CLEAN_FILE])
    print("import", time.time()-t0, rep.ok, rep.errors)
    f = patrol_store()
    print(_show(f))
    assert f == []
