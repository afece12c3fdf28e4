"""`render_all` draws every main screen of the demo campaign to a readable PNG."""

from __future__ import annotations

from PySide6.QtGui import QImage

from ui.screens import screen_keys
from ui.screenshots import render_all


def distinct_colours(image: QImage, step: int = 7) -> int:
    colours = {
        image.pixel(x, y)
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
    }
    return len(colours)


def test_every_screen_is_rendered_at_the_asked_size_and_is_not_blank(qapp, demo_dir, tmp_path):
    out = tmp_path / "shots"
    paths = render_all(demo_dir, out, size=(1100, 720))
    names = [p.name for p in paths]
    for key in screen_keys():  # every main screen, in sidebar order
        assert any(n.endswith(f"-{key}.png") for n in names), key
    assert names[0] == "01-home.png"
    assert sorted(names) == names and len(set(names)) == len(names)
    for path in paths:
        assert path.parent == out and path.exists()
        image = QImage(str(path))
        assert (image.width(), image.height()) == (1100, 720), path.name
        assert distinct_colours(image) > 20, f"{path.name} looks blank"


def test_screenshots_are_in_english_when_asked(qapp, demo_dir, tmp_path):
    from app.i18n import language

    paths = render_all(demo_dir, tmp_path / "en", size=(800, 600), language="en")
    assert paths and all(p.exists() for p in paths)
    assert language() == "en"
