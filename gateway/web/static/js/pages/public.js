// public.html: the experience-zone page (no sign-in), phone-friendly.
import { mountOverview } from "../overview.js";
import { renderShell } from "../shell.js";

// Visitors are not signed in: skip GET /api/auth/me (its 401 would be the page's only error).
renderShell({ page: "public", fetchUser: false });
mountOverview(document.getElementById("overview"), {
  compact: true,
  titles: { tourism: "public.tourism", transport: "public.transport", agri: "public.agri" },
  liveInto: document.getElementById("overview-live"),
});
