// Starts ReDoc (served from /vendor/redoc) on /redoc: no inline script, no CDN.
/* global Redoc */
const box = document.getElementById("redoc");
Redoc.init(box.dataset.spec, {}, box);
