"""xbar.study: the quick digits study runs end to end and writes its table, its settings and its picture."""
import csv
import io
import json

from xbar import study


def test_quick_digits_study_writes_table_settings_and_picture(tmp_path):
    log = io.StringIO()
    rows = study.run(str(tmp_path), quick=True, seed=0, plot=True, stream=log)
    grid = study.QUICK
    configs = len(study.DEVICES) * len(study.MAPPINGS) * len(grid["tiles"]) * len(grid["wires"])
    tuned = len(study.DEVICES) * len(study.MAPPINGS)
    assert len(rows) == 1 + configs + tuned
    digital = rows[0]
    assert digital["mapping"] == "digital" and digital["accuracy"] >= 0.85, digital
    # Without wires the crossbars compute the quantized product: accuracy stays near the digital one.
    for r in rows[1:1 + configs]:
        assert 0.0 <= r["accuracy"] <= 1.0
        if r["r_wire"] == 0.0:
            assert r["accuracy"] >= digital["accuracy"] - 0.05, r
    assert sum(r["fine_tuned"] for r in rows) == tuned
    with open(tmp_path / "study.csv", newline="") as f:
        table = list(csv.DictReader(f))
    assert len(table) == len(rows) and table[0]["mapping"] == "digital"
    meta = json.loads((tmp_path / "study.json").read_text())
    assert meta["seed"] == 0 and meta["quick"] is True and meta["test"] == 360 and len(meta["rows"]) == len(rows)
    assert (tmp_path / "study.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "100%" in log.getvalue()  # the progress reached the end
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
