import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_lists_every_variable_the_settings_read():
    settings = (ROOT / "iomsite" / "settings.py").read_text()
    read = set(re.findall(r'(?:environ\.get|env_bool|env_list)\(\s*"([A-Z_0-9]+)"', settings))
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Configuration") :]
    first_cells = re.findall(r"^\| (`[^|]+) \|", table, re.M)
    listed = {name for cell in first_cells for name in re.findall(r"`([A-Z_0-9]+)`", cell)}
    assert len(read) > 15
    assert read <= listed, f"not in the README's table: {sorted(read - listed)}"
    assert listed <= read, f"in the README's table but not read: {sorted(listed - read)}"
