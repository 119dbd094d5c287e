// Starts Swagger UI on /openapi.json (a file, not inline, so the page's CSP needs no 'unsafe-inline' script).
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
