"""Printed ballots rendered to images: markers, QR and boxes where the layout says (0.5 mm)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ballots.labels import BODY_SIZE
from ballots.payload import decode_text
from ballots.raster import page_count, render_page_array
from ballots.render import PrintResult, render_ballots
from ballots.serials import merkle_root
from tests.ballots.conftest import KEY, make_projects, make_spec
from tests.ballots.measure import assert_close, box_edges, markers, qr_codes, ring_is_blank
from tests.ballots.textboxes import overlapping, text_boxes

DPI = 300


def _print(tmp_path: Path, count: int, n_projects: int, **kwargs: object) -> PrintResult:
    spec = make_spec(n_projects)
    return render_ballots(spec, tmp_path / "bulletins.pdf", key=KEY, batch=7, count=count, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("n_projects", "test"), [(1, True), (15, False), (30, False)])
def test_printed_page_matches_layout(tmp_path: Path, n_projects: int, test: bool) -> None:
    result = _print(tmp_path, 2, n_projects, test=test)
    layout = result.layout
    assert page_count(result.path) == 2
    seen = set()
    for index in range(2):
        image = render_page_array(result.path, index, DPI)
        found = markers(image, DPI)
        assert sorted(found) == [0, 1, 2, 3]
        for marker in layout.markers:
            assert_close(found[marker.id], marker.rect)
        codes = qr_codes(image, DPI)
        assert len(codes) == 1
        text, square = codes[0]
        assert_close(square, layout.qr)
        payload = decode_text(text, KEY)
        assert payload.test is test and payload.batch == 7
        assert payload.template_prefix == layout.template_prefix
        assert payload.campaign_tag.hex() == layout.campaign.tag
        seen.add(payload.serial)
        for box in layout.boxes:
            assert_close(box_edges(image, box.rect, DPI), box.rect)
            assert ring_is_blank(image, box.rect, DPI), f"ink near box {box.number}"
    assert seen == set(result.serials) and len(seen) == 2


def test_two_prints_never_share_a_serial(tmp_path: Path) -> None:
    spec = make_spec(3)
    # 100 ballots a print (300 before): the serials are random 64-bit numbers, so what is
    # checked is that the second print is told the first one's serials, not the odds.
    first = render_ballots(spec, tmp_path / "a.pdf", key=KEY, batch=1, count=100)
    second = render_ballots(
        spec, tmp_path / "b.pdf", key=KEY, batch=2, count=100, known_serials=first.serials
    )
    assert len(set(first.serials)) == 100 and len(set(second.serials)) == 100
    assert not set(first.serials) & set(second.serials)
    assert first.merkle_root == merkle_root(first.serials).hex() != second.merkle_root
    assert list(first.serials) == sorted(first.serials)


def test_no_serial_mode(tmp_path: Path) -> None:
    result = _print(tmp_path, 2, 4, with_serials=False)
    assert result.serials == ()
    texts = {qr_codes(render_page_array(result.path, i, 200), 200)[0][0] for i in range(2)}
    assert len(texts) == 1
    assert decode_text(texts.pop(), KEY).serial is None


def test_long_title_is_cut_with_a_warning_and_never_touches_a_box(tmp_path: Path) -> None:
    projects = make_projects(12)
    long = projects[3].__class__(
        projects[3].project_id, 4, "Rénovation " * 45, 99_00, description="Très long. " * 60
    )
    spec = make_spec(projects=projects[:3] + (long,) + projects[4:])
    assert len(long.title) >= 495
    result = render_ballots(spec, tmp_path / "b.pdf", key=KEY, batch=1, count=1, test=True)
    codes = {(w.project_id, w.code) for w in result.warnings}
    assert (long.project_id, "title_cut") in codes
    assert (long.project_id, "description_cut") in codes
    image = render_page_array(result.path, 0, DPI)
    for box in result.layout.boxes:
        assert ring_is_blank(image, box.rect, DPI)
        assert_close(box_edges(image, box.rect, DPI), box.rect)
    assert BODY_SIZE >= 12


@pytest.mark.parametrize("count", [3, 5])
def test_few_projects_get_larger_text_that_uses_the_page(tmp_path: Path, count: int) -> None:
    """With few projects the descriptions grow up to the large-print size, and the rows spread
    down the page instead of leaving its lower part empty."""
    from ballots.labels import BODY_SIZE, LARGE_BODY_SIZE
    from ballots.render import prepare_ballot

    prepared = prepare_ballot(make_spec(count))
    sizes = {plan.body_size for plan in prepared.plans}
    assert len(sizes) == 1 and sizes.pop() > BODY_SIZE
    assert all(plan.body_size <= LARGE_BODY_SIZE for plan in prepared.plans)
    assert not prepared.warnings  # nothing cut for being larger
    last = prepared.layout.boxes[-1].label
    assert last.bottom > 200  # the rows reach the lower part of the page
    result = render_ballots(prepared, tmp_path / "b.pdf", key=KEY, batch=1, count=1)
    image = render_page_array(result.path, 0, DPI)
    for box in result.layout.boxes:
        assert ring_is_blank(image, box.rect, DPI)
    boxes = text_boxes(result.path)
    assert overlapping(boxes) == []


def test_many_projects_keep_the_normal_text(tmp_path: Path) -> None:
    from ballots.labels import BODY_SIZE
    from ballots.render import prepare_ballot

    prepared = prepare_ballot(make_spec(12))
    assert {plan.body_size for plan in prepared.plans} == {BODY_SIZE}
