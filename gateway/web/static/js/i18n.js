// The site's strings, in Chinese (default) and English, and the language switch. Strings of the
// shell and of every page live here; each scenario adds its own from js/<scenario>/i18n.js
// (addStrings). Static markup names its strings with data-i18n / data-i18n-attr; scripts use t().
// No DOM or storage at import time beyond what exists (the unit tests import this in Node).

const STORAGE_KEY = "z5g.lang";
export const LANGS = ["zh-CN", "en"];
const HAS_DOM = typeof document !== "undefined";

const DICT = {
  "zh-CN": {
    "app.name": "泽州5G+场景示范平台",
    "app.short": "泽州5G+",
    "app.tagline": "旅游 · 医疗 · 农业 · 交通 5G 应用示范",
    "app.footer": "泽州县（山西晋城）5G+场景示范 · 演示环境",
    "lang.switch": "EN",
    "lang.switch.title": "Switch to English",
    "nav.home": "首页",
    "nav.public": "5G 体验区",
    "nav.tourism": "文旅运营",
    "nav.medical": "智慧医疗",
    "nav.agri": "智慧农业",
    "nav.transport": "智慧交通",
    "nav.aria": "主导航",
    "nav.locked": "无权限",
    "user.signin": "登录",
    "user.signout": "退出",
    "user.signed_in_as": "当前用户",
    "common.waiting": "等待数据…",
    "pager.prev": "上一页", "pager.next": "下一页", "pager.range": "第 {from}–{to} 条，共 {total} 条",
    "common.loading": "加载中…",
    "common.updated": "更新于 {time}",
    "common.unknown": "—",
    "common.yes": "是",
    "common.no": "否",
    "common.dismiss": "关闭",
    "common.retry_in": "{s} 秒后重试",
    "live.connecting": "连接中…",
    "live.live": "实时",
    "live.reconnecting": "重连中…",
    "live.offline": "已断开",
    "live.last_event": "最近事件",
    "live.no_event": "等待数据…",
    "err.network": "网络错误：无法连接到平台网关",
    "err.overview": "概览加载失败：{detail}",
    "err.echarts": "图表组件未加载（/vendor/echarts/echarts.min.js）",
    "home.title": "平台总览",
    "home.lead": "四大 5G 示范场景的实时运行状态。数据来自现场传感器、闸机与监护设备，经 5G 网络实时汇聚。",
    "home.consoles": "运营控制台",
    "home.console.tourism": "珏山景区、大阳古镇环境与舒适度监测",
    "home.console.medical": "远程生命体征监护（需临床人员登录）",
    "home.console.agri": "农田土壤墒情与气象监测",
    "home.console.transport": "高铁站、汽车站 5G 智能闸机",
    "home.console.public": "面向游客的公开实时信息页，无需登录",
    "home.open": "进入",
    "home.live": "实时概览",
    "sc.tourism": "文旅 · 景区环境",
    "sc.transport": "交通 · 智能闸机",
    "sc.agri": "农业 · 农田墒情",
    "sc.medical": "医疗 · 生命体征",
    "f.event_time": "事件时间",
    "f.device": "设备",
    "console.tourism.title": "文旅运营控制台",
    "console.tourism.lead": "珏山景区与大阳古镇的环境监测：气温、湿度、PM2.5、噪声与游客舒适度。",
    "console.medical.title": "智慧医疗控制台",
    "console.medical.lead": "5G 远程监护患者的实时生命体征。",
    "console.agri.title": "智慧农业控制台",
    "console.agri.lead": "农田土壤墒情、温度与设备电量。",
    "console.transport.title": "智慧交通控制台",
    "console.transport.lead": "泽州高铁站、汽车站 5G 人脸识别闸机的状态与排队人数。",
    "console.table": "最新数值",
    "console.tiles": "当前状态",
    "console.checking": "正在验证登录状态…",
    "console.noaccess.title": "无访问权限",
    "console.noaccess.body": "当前账号（{user}，角色 {role}）无权使用{console}。请联系平台管理员，或使用其他账号登录。",
    "console.noaccess.switch": "切换账号",
    "chart.empty": "等待数据…",
    "chart.axis": "{name}（{unit}）",
    "login.title": "登录",
    "login.lead": "运营与临床人员登录后可使用对应的场景控制台。",
    "login.username": "用户名",
    "login.password": "密码",
    "login.submit": "登录",
    "login.submitting": "正在登录…",
    "login.failed": "登录失败：{detail}",
    "login.rate": "尝试次数过多，请 {s} 秒后再试",
    "login.public_hint": "游客无需登录，可直接访问",
    "public.title": "5G 体验区 · 实时信息",
    "public.lead": "景区环境、车站闸机与示范农田的实时数据，每秒由 5G 网络更新。",
    "public.tourism": "景区环境",
    "public.transport": "车站闸机",
    "public.agri": "示范农田",
    "public.links": "各场景公众页面",
    "home.more": "更多页面",
    "home.link.enrol": "乘客刷脸进站登记",
    "home.link.kiosk": "闸机终端",
    "home.link.farmer": "农户：我的田块",
    "home.link.trace": "溯源示例（扫码页面）",
    "public.link.tourism": "景区人流 · 去哪儿不挤",
    "public.link.transport": "刷脸进站 · 闸机状态",
    "public.link.agri": "智慧农业 · 产品溯源",
    "role.admin": "平台管理员",
    "role.clinician": "临床医护",
    "role.scenic_operator": "景区运营",
    "role.station_operator": "车站值班",
    "role.farmer": "农户",
    "role.agri_bureau": "农业农村局",
    "live.stale": "数据已过期",
    "age.s": "{n} 秒",
    "age.min": "{n} 分钟",
    "age.h": "{n} 小时",
    "live.as_of": "数据截至 {time}",
    "live.down": "{list}不可用",
    "live.list_sep": "、",
    "dep.kafka": "消息服务",
    "dep.redis": "状态存储",
    "dep.database": "数据库",
    "dep.tourism": "文旅服务",
    "dep.medical": "医疗服务",
    "dep.agri": "农业服务",
    "dep.transport": "交通服务",
    "dep.gateway": "平台网关",
    "err.status": "请求失败（{status}）",
    "err.page": "页面出错，请刷新后重试",
    "err.unauthenticated": "请先登录",
    "err.auth.required": "请先登录",
    "err.auth.signed_out": "您已退出登录，请重新登录",
    "err.auth.bad_credentials": "用户名或密码错误",
    "err.auth.role_not_allowed": "当前账号无权使用此功能",
    "err.forbidden": "无权执行此操作",
    "err.not_found": "未找到相应记录",
    "err.conflict": "状态已发生变化，请刷新后重试",
    "err.too_large": "上传内容过大",
    "err.invalid": "输入有误，请检查后重试",
    "err.bad_request": "请求有误",
    "err.rate_limited": "请求过于频繁，请 {s} 秒后再试",
    "err.unavailable": "{dependency}暂时不可用，请稍后再试",
    "err.timeout": "服务响应超时，请稍后再试",
    "err.bad_gateway": "服务返回了错误",
    "err.service.permission_denied": "{service}：您无权查看或修改此记录",
    "err.service.not_found": "{service}：未找到该记录",
    "err.service.invalid_argument": "{service}：请求内容有误",
    "err.service.failed_precondition": "{service}：当前状态下不能执行此操作",
    "err.service.unavailable": "{service}暂时不可用，请稍后再试",
    "err.service.deadline_exceeded": "{service}响应超时，请稍后再试",
    "err.service.unauthenticated": "{service}：身份校验失败，请重新登录",
    "err.service.resource_exhausted": "{service}：请求过于频繁，请稍后再试",
    "err.service.other": "{service}处理失败，请稍后再试",
  },
  en: {
    "app.name": "Zezhou 5G+ Scenario Platform",
    "app.short": "Zezhou 5G+",
    "app.tagline": "5G demonstrations in tourism, medical care, agriculture and transport",
    "app.footer": "Zezhou County (Jincheng, Shanxi) 5G+ scenarios · demo environment",
    "lang.switch": "中文",
    "lang.switch.title": "切换到中文",
    "nav.home": "Home",
    "nav.public": "5G experience zone",
    "nav.tourism": "Tourism",
    "nav.medical": "Medical",
    "nav.agri": "Agriculture",
    "nav.transport": "Transport",
    "nav.aria": "Main navigation",
    "nav.locked": "no access",
    "user.signin": "Sign in",
    "user.signout": "Sign out",
    "user.signed_in_as": "Signed in as",
    "common.waiting": "waiting for data…",
    "pager.prev": "Previous", "pager.next": "Next", "pager.range": "{from}–{to} of {total}",
    "common.loading": "loading…",
    "common.updated": "updated {time}",
    "common.unknown": "—",
    "common.yes": "yes",
    "common.no": "no",
    "common.dismiss": "Dismiss",
    "common.retry_in": "retrying in {s} s",
    "live.connecting": "connecting…",
    "live.live": "live",
    "live.reconnecting": "reconnecting…",
    "live.offline": "disconnected",
    "live.last_event": "Last event",
    "live.no_event": "waiting for data…",
    "err.network": "Network error: the platform gateway cannot be reached",
    "err.overview": "Could not load the overview: {detail}",
    "err.echarts": "Chart library not loaded (/vendor/echarts/echarts.min.js)",
    "home.title": "Platform overview",
    "home.lead": "Live state of the four 5G demonstration scenarios, gathered over 5G from field sensors, gates and monitoring devices.",
    "home.consoles": "Operator consoles",
    "home.console.tourism": "Environment and visitor comfort at Jueshan and Dayang",
    "home.console.medical": "Remote vital-signs monitoring (clinicians only)",
    "home.console.agri": "Soil moisture and weather in the fields",
    "home.console.transport": "5G smart gates at the high-speed rail and bus stations",
    "home.console.public": "Public live information for visitors, no sign-in",
    "home.open": "Open",
    "home.live": "Live overview",
    "sc.tourism": "Tourism · scenic areas",
    "sc.transport": "Transport · smart gates",
    "sc.agri": "Agriculture · fields",
    "sc.medical": "Medical · vital signs",
    "f.event_time": "Event time",
    "f.device": "Device",
    "console.tourism.title": "Tourism console",
    "console.tourism.lead": "Environment at Jueshan Scenic Area and Dayang Ancient Town: temperature, humidity, PM2.5, noise and visitor comfort.",
    "console.medical.title": "Medical console",
    "console.medical.lead": "Live vital signs of patients under 5G remote monitoring.",
    "console.agri.title": "Agriculture console",
    "console.agri.lead": "Soil moisture and temperature in the fields, and the sensors' batteries.",
    "console.transport.title": "Transport console",
    "console.transport.lead": "State and queues of the 5G face-recognition gates at Zezhou HSR and bus stations.",
    "console.table": "Latest values",
    "console.tiles": "Current state",
    "console.checking": "Checking your sign-in…",
    "console.noaccess.title": "No access",
    "console.noaccess.body": "This account ({user}, role {role}) may not use the {console}. Ask the platform administrator, or sign in with another account.",
    "console.noaccess.switch": "Switch account",
    "chart.empty": "waiting for data…",
    "chart.axis": "{name} ({unit})",
    "login.title": "Sign in",
    "login.lead": "Operators and clinicians sign in to use their scenario consoles.",
    "login.username": "Username",
    "login.password": "Password",
    "login.submit": "Sign in",
    "login.submitting": "Signing in…",
    "login.failed": "Sign-in failed: {detail}",
    "login.rate": "Too many attempts; try again in {s} s",
    "login.public_hint": "Visitors need no account:",
    "public.title": "5G experience zone · live",
    "public.lead": "Live data from the scenic areas, the station gates and the demonstration fields, updated every second over 5G.",
    "public.tourism": "Scenic areas",
    "public.transport": "Station gates",
    "public.agri": "Demonstration fields",
    "public.links": "Public pages of each scenario",
    "home.more": "More pages",
    "home.link.enrol": "Passengers: enrol for face entry",
    "home.link.kiosk": "Gate kiosk",
    "home.link.farmer": "Farmers: my fields",
    "home.link.trace": "Traceability example (QR page)",
    "public.link.tourism": "Scenic areas · where it is calm now",
    "public.link.transport": "Face-recognition entry · gates",
    "public.link.agri": "Smart farming · product traceability",
    "role.admin": "administrator",
    "role.clinician": "clinician",
    "role.scenic_operator": "scenic operator",
    "role.station_operator": "station operator",
    "role.farmer": "farmer",
    "role.agri_bureau": "agriculture bureau",
    "live.stale": "stale",
    "age.s": "{n} s",
    "age.min": "{n} min",
    "age.h": "{n} h",
    "live.as_of": "data as of {time}",
    "live.down": "{list} down",
    "live.list_sep": ", ",
    "dep.kafka": "event broker",
    "dep.redis": "state store",
    "dep.database": "database",
    "dep.tourism": "tourism service",
    "dep.medical": "medical service",
    "dep.agri": "agriculture service",
    "dep.transport": "transport service",
    "dep.gateway": "platform gateway",
    "err.status": "Request failed ({status})",
    "err.page": "The page hit an error; reload it",
    "err.unauthenticated": "Please sign in",
    "err.auth.required": "Please sign in",
    "err.auth.signed_out": "You have signed out; sign in again",
    "err.auth.bad_credentials": "Wrong username or password",
    "err.auth.role_not_allowed": "This account may not use this",
    "err.forbidden": "Not allowed",
    "err.not_found": "Not found",
    "err.conflict": "It changed in the meantime; refresh and try again",
    "err.too_large": "The upload is too large",
    "err.invalid": "Check the input and try again",
    "err.bad_request": "Bad request",
    "err.rate_limited": "Too many requests; try again in {s} s",
    "err.unavailable": "The {dependency} is unavailable; try again shortly",
    "err.timeout": "The service took too long; try again shortly",
    "err.bad_gateway": "A service answered with an error",
    "err.service.permission_denied": "{service}: you may not see or change this record",
    "err.service.not_found": "{service}: no such record",
    "err.service.invalid_argument": "{service}: the request is not valid",
    "err.service.failed_precondition": "{service}: not possible in the current state",
    "err.service.unavailable": "The {service} is unavailable; try again shortly",
    "err.service.deadline_exceeded": "The {service} took too long; try again shortly",
    "err.service.unauthenticated": "{service}: identity check failed; sign in again",
    "err.service.resource_exhausted": "{service}: too many requests; try again shortly",
    "err.service.other": "The {service} failed; try again shortly",
  },
};

/**
 * Add strings for one part of the site (a scenario's pages keep theirs in js/<scenario>/i18n.js):
 * addStrings({"zh-CN": {...}, en: {...}}). Existing keys are not overwritten.
 */
export function addStrings(dicts) {
  for (const [code, entries] of Object.entries(dicts)) {
    if (!DICT[code]) continue;
    for (const [key, value] of Object.entries(entries)) {
      if (!(key in DICT[code])) DICT[code][key] = value;
    }
  }
}

/** Every table, {lang: {key: text}} (for the unit test that checks they are complete). */
export function dictionaries() {
  return DICT;
}

const CODE_TABLES = [];

/**
 * Declare that the strings `<prefix><VALUE>` translate the values of a proto enum, named by its
 * full name as in `ENUMS` of js/contracts.js (e.g. "zezhou5g.medical.v1.ClinicalRisk"). The unit
 * test gateway/web/test/codes.test.js then fails when a declared value has no string or a string
 * names a value the proto does not declare. The zero value (`…_UNSPECIFIED`, absent from
 * payloads) needs a string only with `{ unspecified: true }`.
 */
export function addCodeTable(enumName, prefix, { unspecified = false } = {}) {
  CODE_TABLES.push(Object.freeze({ enumName, prefix, unspecified }));
}

/** The code tables declared with addCodeTable (for the unit test). */
export function codeTables() {
  return [...CODE_TABLES];
}

/** The translation of a code with its params, or `fallback` when the table lacks it. */
export function codeText(prefix, code, params = {}, fallback = t("common.unknown")) {
  return code && has(`${prefix}${code}`) ? t(`${prefix}${code}`, params) : fallback;
}

function initialLang() {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (LANGS.includes(saved)) return saved;
  } catch { /* storage disabled: fall back to Chinese */ }
  return "zh-CN";
}

let lang = initialLang();
const listeners = new Set();

export function getLang() {
  return lang;
}

/** The string `key` in the current language, with {name} placeholders filled from params. */
export function t(key, params = {}) {
  const s = DICT[lang][key] ?? DICT["zh-CN"][key] ?? key;
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** Whether the dictionary has `key` (to fall back to raw ids for unknown areas, gates…). */
export function has(key) {
  return key in DICT[lang];
}

/**
 * A display name for an id of a kind ("area", "gate", "field", "station", "patient"): the
 * string `<kind>.<id>`, else the kind's pattern `<kind>.name` with {id}, else the raw id.
 */
export function nameOf(kind, id) {
  const key = `${kind}.${id}`;
  if (has(key)) return t(key);
  return has(`${kind}.name`) ? t(`${kind}.name`, { id }) : id;
}

/** The items joined with the language's list separator ("、" in Chinese, ", " in English). */
export function joinList(items) {
  return items.join(t("live.list_sep"));
}

/** Fill every [data-i18n] (text) and [data-i18n-attr="attr:key;attr:key"] under root. */
export function applyI18n(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) {
    el.textContent = t(el.dataset.i18n);
  }
  for (const el of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of el.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":");
      if (attr && key) el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
  const titleKey = document.documentElement.dataset.titleKey;
  if (root === document && titleKey) document.title = `${t(titleKey)} · ${t("app.short")}`;
}

export function setLang(next) {
  if (!LANGS.includes(next) || next === lang) return;
  lang = next;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, next);
  } catch { /* not persisted */ }
  if (HAS_DOM) {
    document.documentElement.lang = next;
    applyI18n(document);
  }
  for (const fn of listeners) fn(next);
}

export function toggleLang() {
  setLang(lang === "zh-CN" ? "en" : "zh-CN");
}

/** Call fn(lang) after every language switch (pages re-render their dynamic parts). */
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

if (HAS_DOM) document.documentElement.lang = lang;
