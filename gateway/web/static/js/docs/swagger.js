// Starts Swagger UI (served from /vendor/swagger-ui) on /docs: no inline script, no CDN.
/* global SwaggerUIBundle */
const box = document.getElementById("swagger-ui");
SwaggerUIBundle({ url: box.dataset.spec, domNode: box, deepLinking: true });
