"""Every page of the gateway, as the screenshot test and ``scripts/screenshots.py`` visit them.

A page is visited as the user who works on it (signed out for public ones), in zh-CN and in
English, at desktop (1440×900) and phone (375×812) width. ``live`` names an element whose text
must change while one watches (the page shows live data); ``ready`` one that shows the page has
its data.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTHS = ((1440, 900), (375, 812))
LANGS = ("zh-CN", "en")


@dataclass(frozen=True)
class Page:
    """One page to look at."""

    name: str
    path: str
    user: str | None = None
    ready: str = "body"  # a CSS selector that appears once the page has its data
    live: str | None = None  # CSS selector of a value that changes while the page is open
    i18n: bool = True  # False: a tool in English only (the API docs)


LIVE_TIME = '[data-testid="last-event-time"][datetime]'

PAGES = (
    Page("home", "/", ready='[data-testid="tourism-temp-jueshan"][data-value]',
         live='[data-testid="tourism-temp-jueshan"]'),
    Page("public", "/public.html", ready='[data-testid="gate-queue-gate-hsr-1"][data-value]',
         live='[data-testid="tourism-temp-dayang"]'),
    Page("login", "/login.html", ready="#login-form"),
    Page("tourism-console", "/console/tourism.html", "jueshan-ops",
         ready='[data-testid="tourism-temp-jueshan"][data-value]',
         live='[data-testid="tourism-temp-jueshan"]'),
    Page("tourism-public", "/public/tourism.html", ready=".tp-spot"),
    Page("medical-console", "/console/medical.html", "dr-wang",
         ready='[data-testid="patient-hr-p-1001"][data-value]',
         live='[data-testid="patient-hr-p-1001"]'),
    Page("medical-patient", "/medical/patient.html?id=p-1001", "dr-wang",
         ready='[data-testid="breakdown-heart_rate_bpm"]', live='[data-testid="detail-news2"]'),
    Page("agri-console", "/console/agri.html", "agri-bureau",
         ready='[data-testid="field-map"] polygon', live=LIVE_TIME),
    Page("agri-farmer", "/agri/farmer.html", "farmer-zhao", ready='[data-testid="field-field-e1"]',
         live=LIVE_TIME),
    Page("agri-public", "/public/agri.html", ready='[data-testid="public-field-field-e1"]',
         live=LIVE_TIME),
    Page("trace", "/trace.html?code=ZZ-WHEAT-2026-0001", ready='[data-testid="trace-verified"]'),
    Page("transport-console", "/console/transport.html", "station-ops",
         ready='[data-testid="tr-per-min"]', live='[data-testid="gate-queue-gate-hsr-1"]'),
    Page("transport-public", "/public/transport.html", ready='[data-testid="tro-station"]',
         live=LIVE_TIME),
    Page("transport-enrol", "/transport/enrol.html", ready='[data-testid="consent-text"]'),
    Page("transport-kiosk", "/transport/kiosk.html?gate=gate-hsr-1", "station-ops",
         ready='[data-testid="kiosk-gate-name"]'),
    Page("transport-outbox", "/transport/sms-outbox.html", "station-ops",
         ready='[data-testid="tro-outbox"] > *'),
    Page("api-docs", "/docs", ready="#swagger-ui .info", i18n=False),
)

# Latin words a zh-CN page may show: units, standards, product and code names. Identifiers
# (anything with a digit, "-" or "_": p-1001, soil-e1-1, G1234) are allowed as they are.
LATIN_OK = frozenset({
    "NEWS2", "NEWS", "PM2", "PM", "SpO", "SpO2", "FHIR", "R4", "G", "EN", "ID", "QR", "CSV", "SMS",
    "bpm", "mmHg", "min", "mm", "km", "kg", "ha", "dB", "lx", "h", "s", "m", "µg", "THI", "HSR",
    "JPEG", "PNG", "kPa", "kHz", "cm", "UTC", "API", "ETA", "m²", "m³", "fps"})

# Collects the visible text that is in the wrong language (run in the page; returns strings).
LANGUAGE_CHECK = r"""
([lang, allowed]) => {
  const ok = new Set(allowed);
  const cjk = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const bad = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    const text = node.textContent.trim();
    if (!text || !el) continue;
    if (el.closest('script, style, code, [data-testid="lang-switch"]')) continue;
    // A name written in another script on purpose says so with its own lang attribute.
    const own = el.closest("[lang]");
    if (own && own !== document.documentElement && own.lang !== lang) continue;
    if (el.checkVisibility && !el.checkVisibility()) continue;
    if (lang === "en") {
      if (cjk.test(text)) bad.push(text.slice(0, 80));
      continue;
    }
    // Units written with Latin letters are not words: °C, °C·d (degree days).
    const bare = text.replace(/°C(·d)?/g, "");
    for (const token of bare.match(/[A-Za-z0-9µ][A-Za-z0-9µ²³_.\-/]*/g) ?? []) {
      if (/[0-9_\-]/.test(token)) continue;          // an identifier or a number with a unit
      for (const word of token.split(/[./]/)) {
        if (word && /[A-Za-z]/.test(word) && !ok.has(word)) {
          bad.push(`${word} in "${text.slice(0, 60)}"`);
        }
      }
    }
  }
  return [...new Set(bad)];
}
"""

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"

# Resolves after the page has drawn two more frames (layout and ResizeObserver callbacks done).
NEXT_FRAMES = ("() => new Promise(r => requestAnimationFrame(() => "
               "requestAnimationFrame(() => r(true))))")
