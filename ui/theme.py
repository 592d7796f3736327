"""The green ThaiHealth look: a Gradio theme with local Thai fonts, and the CSS of the cards.

No web fonts are fetched: the font stacks name fonts installed with the operating
system (Leelawadee UI on Windows, Thonburi on macOS, TLWG fonts on Linux).
"""

from __future__ import annotations

import gradio as gr

FONTS = [
    "Sarabun",
    "Leelawadee UI",
    "Thonburi",
    "Noto Sans Thai",
    "Loma",
    "Garuda",
    "Tahoma",
    "sans-serif",
]
MONO = ["TlwgMono", "DejaVu Sans Mono", "monospace"]

GREEN = gr.themes.Color(
    c50="#eefaf2",
    c100="#d6f2df",
    c200="#ade4c0",
    c300="#7dd19c",
    c400="#43b96f",
    c500="#00a651",
    c600="#008c45",
    c700="#007139",
    c800="#005a2e",
    c900="#004a26",
    c950="#002e17",
    name="thaihealth_green",
)


def theme() -> gr.themes.Base:
    """The app's theme: สสส. green, orange accents, rounded, Thai-friendly fonts."""
    return gr.themes.Soft(
        primary_hue=GREEN,
        secondary_hue=gr.themes.colors.orange,
        neutral_hue=gr.themes.colors.gray,
        font=FONTS,
        font_mono=MONO,
        radius_size=gr.themes.sizes.radius_md,
    ).set(
        body_background_fill="#f4f8f5",
        block_border_width="1px",
        button_primary_background_fill="#00a651",
        button_primary_background_fill_hover="#008c45",
        button_primary_text_color="#ffffff",
        button_cancel_background_fill="#dc2626",
        button_cancel_background_fill_hover="#b91c1c",
        button_cancel_text_color="#ffffff",
    )


CSS = """
.gradio-container { max-width: 1100px !important; width: 100% !important;
  margin: 0 auto !important; }
.tool-row { gap: 8px; }
.tool-row button, .fb-row button { white-space: nowrap; min-width: 120px; }
.fb-row { align-items: center; gap: 8px; background: #fff; border: 1px solid #d6e6da;
  border-radius: 10px; padding: 6px 10px; }
.fb-row .fb-label { flex: 0 0 auto !important; min-width: 0 !important; width: auto; }
.app-header { display: flex; align-items: center; gap: 14px; padding: 14px 18px;
  border-radius: 12px; background: linear-gradient(90deg, #00a651, #007139); color: #fff; }
.app-header .logo { font-size: 28px; font-weight: 800; background: #fff; color: #00a651;
  border-radius: 10px; padding: 4px 10px; letter-spacing: 1px; }
.app-header h1 { margin: 0; font-size: 22px; color: #fff; }
.app-header p { margin: 2px 0 0; opacity: .92; font-size: 14px; color: #fff; }
.app-footer { text-align: center; color: #5b6b60; font-size: 13px; }
.rag-answer { line-height: 1.75; font-size: 15.5px; }
.rag-answer .rag-text { white-space: normal; }
.rag-streaming .rag-text { color: #37473c; }
a.rag-ref { display: inline-block; min-width: 1.6em; padding: 0 4px; margin: 0 1px;
  border-radius: 6px; background: #d6f2df; color: #005a2e !important; font-weight: 700;
  font-size: 12.5px; text-decoration: none !important; line-height: 1.5; text-align: center; }
a.rag-ref:hover { background: #00a651; color: #fff !important; }
.rag-sources { margin-top: 12px; border-top: 1px solid #d6e6da; padding-top: 8px; }
.rag-sources-title { font-weight: 700; color: #007139; font-size: 14px; margin-bottom: 6px;
  display: flex; justify-content: space-between; }
.rag-conf { font-weight: 400; color: #6b7b70; font-size: 12.5px; }
.rag-card { border: 1px solid #cfe5d6; border-left: 4px solid #00a651; border-radius: 10px;
  padding: 8px 12px; margin: 8px 0; background: #fbfefc; }
.rag-card:target { box-shadow: 0 0 0 3px #f59e0b55; }
.rag-card-head { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
.rag-n { color: #00a651; font-weight: 800; }
.rag-card-title { font-weight: 700; color: #1f2d24; }
.rag-page { margin-left: auto; font-size: 12.5px; color: #fff; background: #008c45;
  border-radius: 999px; padding: 0 10px; }
.rag-snippet { font-size: 14px; color: #37473c; margin: 6px 0; line-height: 1.7; }
.rag-snippet mark.rag-quote { background: #fff3c4; color: inherit; padding: 1px 0;
  border-bottom: 2px solid #f59e0b; }
.rag-snippet b { color: #005a2e; }
a.rag-open { font-size: 13px; color: #007139 !important; font-weight: 600; }
.rag-refused { border: 1px dashed #f59e0b; background: #fff8eb; border-radius: 10px;
  padding: 10px 14px; }
.rag-refused-title { font-weight: 800; color: #b45309; margin-bottom: 4px; }
.rag-hint { font-size: 13px; color: #7c5a1a; margin-top: 6px; }
.rag-notice { border-radius: 8px; background: #e8f1fb; border: 1px solid #b6d2f0;
  color: #1e3a5f; padding: 6px 10px; margin-bottom: 8px; font-size: 13.5px; }
#fb-status { color: #007139; font-weight: 600; }
#delete-btn { min-width: 220px; white-space: nowrap; }
#docs-table, #upload-results, #fb-table { --font-mono: var(--font); font-size: 14px; }
"""
