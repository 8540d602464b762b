from .conftest import declare


def test_member_home(panel, panel1):
    r = panel1.get(panel.url("home"))
    assert r.status_code == 200
    r = declare(panel1, panel)
    assert r.status_code == 302
    r = panel1.get(panel.url("score_bid", panel.bids[0].key))
    assert r.status_code == 200, r.content.decode()[:3000]
