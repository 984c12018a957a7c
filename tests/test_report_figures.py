"""The report's figures: matplotlib SVG inlined safely, one id space per figure, nothing drawn from nothing."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from flows.report import figures

COLOURS = {"committed": "#1b7f3b", "declined": "#8a8a8a", "opposed": "#c0392b"}


def test_labels_from_data_are_escaped_text_in_the_svg():
    svg = figures.actor_type_heatmap([("<script>alert(1)</script>", "troop_deployment", 2)])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)  # well-formed XML


def test_figures_in_one_page_have_no_id_in_common():
    drawn = [figures.actor_type_heatmap([("FRA", "troop_deployment", 2), ("DEU", "financial_support", 1)]),
             figures.stance_mix([("committed", 5), ("declined", 1)], COLOURS),
             figures.mentions_per_day([("2026-01-06", 4), ("2026-01-07", 2)]),
             figures.cleaning_history([("run-1", 5, 0, 0, 1), ("run-2", 1, 0, 5, 1)]),
             figures.slowest_stages([("clean", 2.0), ("models", 2.5)], [("int_cue_matches", 0.5)])]
    ids = [i for svg in drawn for i in re.findall(r'\bid="([^"]+)"', svg)]
    assert ids and len(ids) == len(set(ids))
    for svg in drawn:
        for ref in re.findall(r"url\(#([^)]+)\)", svg):
            assert f'id="{ref}"' in svg, ref


def test_the_figures_show_their_data_as_text():
    svg = figures.stance_mix([("committed", 47), ("opposed", 3)], COLOURS)
    assert ">committed<" in svg and ">47<" in svg
    heat = figures.actor_type_heatmap([(f"A{i:02d}", "aid", i + 1) for i in range(40)])
    assert ">A39<" in heat and ">A00<" not in heat, "the top 30 actors by commitments, not the first 30 by name"


def test_nothing_to_draw_is_an_empty_string_the_template_explains():
    assert figures.actor_type_heatmap([]) == figures.mentions_per_day([]) == ""
    assert figures.stance_mix([], COLOURS) == ""
    assert figures.cleaning_history([]) == figures.slowest_stages([], []) == ""
