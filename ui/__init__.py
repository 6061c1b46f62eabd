"""The web UI beside app.py: one module per tab, the shared state, the HTTP API and the login.

page.build_ui assembles the tabs (chat_tab, plan_tab, targets_tab, briefing_tab, glossary_tab,
quiz_tab) over one state.UIContext; api.build_app serves them with POST /api/ask and GET /api/health;
render builds every piece of HTML (study_render that of the two study tabs; render.css styles it);
widgets holds the shared look and page scripts.
"""
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")   # offline: no telemetry, no version check
