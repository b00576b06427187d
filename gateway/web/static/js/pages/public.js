// public.html: the experience-zone page (no sign-in), phone-friendly.
import { startConsole } from "../console/engine.js";
import { overviewPanels } from "../overview.js";

startConsole({ publicPage: true, rootId: "overview", liveId: "overview-live",
  panels: overviewPanels({ compact: true,
    titles: { tourism: "public.tourism", transport: "public.transport", agri: "public.agri" } }) });
