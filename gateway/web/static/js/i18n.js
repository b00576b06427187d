// Every visible string of the web shell, in Chinese (default) and English.
// Static markup names its strings with data-i18n / data-i18n-attr; scripts use t().

const STORAGE_KEY = "z5g.lang";
export const LANGS = ["zh-CN", "en"];

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
    "err.http": "请求失败（{status}）：{detail}",
    "err.rate": "请求过于频繁，{s} 秒后自动重试",
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
    "area.jueshan": "珏山景区",
    "area.dayang": "大阳古镇",
    "station.zezhou-hsr": "泽州高铁站",
    "station.zezhou-bus": "泽州汽车站",
    "gate.gate-hsr-1": "高铁站 1 号闸机",
    "gate.gate-hsr-2": "高铁站 2 号闸机",
    "gate.gate-bus-1": "汽车站 1 号闸机",
    "field.field-e1": "E1 号田块",
    "field.field-e2": "E2 号田块",
    "field.field-e3": "E3 号田块",
    "patient.name": "患者 {id}",
    "field.vwc.stale": "本次读数无含水量，显示 {time} 的有效值",
    "field.vwc.none": "本次读数无土壤含水量",
    "comfort.comfortable": "舒适",
    "comfort.fair": "一般",
    "comfort.uncomfortable": "不舒适",
    "gate.online": "在线",
    "gate.degraded": "降级",
    "gate.degraded.note": "摄像头故障：人脸通道关闭，人工通道开放",
    "gate.online.note": "人脸识别通道正常",
    "gate.summary": "在线 {online} · 降级 {degraded} · 排队共 {queue} 人",
    "f.temperature": "气温",
    "f.humidity": "湿度",
    "f.pm25": "PM2.5",
    "f.noise": "噪声",
    "f.thi": "温湿指数",
    "f.comfort_index": "舒适度指数",
    "f.comfort": "舒适度",
    "f.comfort_level": "舒适度等级",
    "f.readings_total": "累计读数",
    "f.event_time": "事件时间",
    "f.area": "区域",
    "f.gate": "闸机",
    "f.station": "站点",
    "f.state": "状态",
    "f.queue": "排队人数",
    "f.heartbeats_total": "累计心跳",
    "f.field": "地块",
    "f.device": "设备",
    "f.vwc": "土壤含水量",
    "f.soil_temp": "土壤温度",
    "f.air_temp": "空气温度",
    "f.air_humidity": "空气湿度",
    "f.battery": "电量",
    "f.patient": "患者",
    "f.heart_rate": "心率",
    "f.resp_rate": "呼吸频率",
    "f.spo2": "血氧饱和度",
    "f.bp": "血压",
    "f.body_temp": "体温",
    "f.consciousness": "意识",
    "f.on_oxygen": "吸氧",
    "f.observations_total": "累计观测",
    "f.seq": "序号",
    "cons.CONSCIOUSNESS_UNSPECIFIED": "未记录",
    "cons.CONSCIOUSNESS_ALERT": "清醒",
    "cons.CONSCIOUSNESS_CONFUSION": "新发意识混乱",
    "cons.CONSCIOUSNESS_VOICE": "对声音有反应",
    "cons.CONSCIOUSNESS_PAIN": "对疼痛有反应",
    "cons.CONSCIOUSNESS_UNRESPONSIVE": "无反应",
    "f.news2": "NEWS2",
    "news2.label": "NEWS2",
    "news2.none": "暂无评分",
    "news2.risk.low": "低",
    "news2.risk.low-medium": "低-中",
    "news2.risk.medium": "中",
    "news2.risk.high": "高",
    "news2.risk_text": "{risk}风险",
    "news2.badge_title": "NEWS2 早期预警评分 {score} 分，临床风险：{risk}",
    "news2.badge_title_partial": "NEWS2 早期预警评分至少 {score} 分（数据不完整），临床风险至少为：{risk}",
    "news2.incomplete": "数据不完整",
    "news2.incomplete.missing": "缺少：{list}。",
    "news2.incomplete.lower_bound": "评分仅为下限，实际可能更高。",
    "news2.list_sep": "、",
    "news2.monitoring": "监测频率：{text}",
    "news2.mon.12h": "每 12 小时",
    "news2.mon.4_6h": "每 4–6 小时",
    "news2.mon.1h": "每小时",
    "news2.mon.continuous": "持续监测",
    "news2.resp.routine": "继续常规监测",
    "news2.resp.nurse": "通知责任护士，由其评估患者",
    "news2.resp.ward": "病房紧急响应：责任护士通知医疗团队进行评估",
    "news2.resp.urgent": "紧急响应阈值：立即通知医疗团队，由急症临床医师紧急评估",
    "news2.resp.emergency": "紧急抢救响应：立即通知医疗团队（至少为专科高年资住院医师），并进行重症监护评估",
    "news2.red": "单项 3 分",
    "news2.red.title": "有一项参数得 3 分（红色评分），需紧急病房响应",
    "news2.scale2": "SpO₂ 第 2 量表",
    "news2.scale2.title": "高碳酸血症型呼吸衰竭患者：血氧目标 88–92%，按 SpO₂ 第 2 量表评分",
    "news2.points.title": "NEWS2 · {param}：{points} 分",
    "news2.points.missing": "NEWS2 · {param}：无最新数据，未计入评分",
    "news2.param.resp_rate_per_min": "呼吸频率",
    "news2.param.spo2_pct": "血氧饱和度",
    "news2.param.on_oxygen": "吸氧",
    "news2.param.systolic_mmhg": "收缩压",
    "news2.param.heart_rate_bpm": "心率",
    "news2.param.consciousness": "意识",
    "news2.param.temperature_c": "体温",
    "sound.enable": "开启提示音",
    "sound.on": "提示音已开启",
    "sound.pending": "提示音：点击页面以启用",
    "sound.title": "患者风险升至“中”或“高”时播放提示音",
    "sound.title_on": "点击关闭提示音",
    "unit.people": "人",
    "console.tourism.title": "文旅运营控制台",
    "console.tourism.lead": "珏山景区与大阳古镇的环境监测：气温、湿度、PM2.5、噪声与游客舒适度。",
    "console.medical.title": "智慧医疗控制台",
    "console.medical.lead": "5G 远程监护患者的实时生命体征。",
    "console.agri.title": "智慧农业控制台",
    "console.agri.lead": "农田土壤墒情、温度与设备电量。",
    "console.transport.title": "智慧交通控制台",
    "console.transport.lead": "泽州高铁站、汽车站 5G 人脸识别闸机的状态与排队人数。",
    "console.chart.tourism": "气温与舒适度指数（按区域）",
    "console.chart.medical": "心率与血氧饱和度（按患者）",
    "console.chart.medical_news2": "NEWS2 评分（按患者）",
    "console.chart.agri": "土壤含水量（按地块）",
    "console.chart.transport": "排队人数（按闸机）",
    "console.table": "最新数值",
    "console.tiles": "当前状态",
    "console.checking": "正在验证登录状态…",
    "console.noaccess.title": "无访问权限",
    "console.noaccess.body": "当前账号（{user}，角色 {role}）无权使用{console}。请联系平台管理员，或使用其他账号登录。",
    "console.noaccess.switch": "切换账号",
    "console.medical.patients_hint": "等待数据…（患者卡片将根据实时监护数据自动生成）",
    "chart.empty": "等待数据…",
    "login.title": "登录",
    "login.lead": "运营与临床人员登录后可使用对应的场景控制台。",
    "login.username": "用户名",
    "login.password": "密码",
    "login.submit": "登录",
    "login.submitting": "正在登录…",
    "login.failed": "登录失败：{detail}",
    "login.rate": "尝试次数过多，请 {s} 秒后再试：{detail}",
    "login.public_hint": "游客无需登录，可直接访问",
    "public.title": "5G 体验区 · 实时信息",
    "public.lead": "景区环境、车站闸机与示范农田的实时数据，每秒由 5G 网络更新。",
    "public.tourism": "景区环境",
    "public.transport": "车站闸机",
    "public.agri": "示范农田",
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
    "err.http": "Request failed ({status}): {detail}",
    "err.rate": "Too many requests; retrying automatically in {s} s",
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
    "area.jueshan": "Jueshan Scenic Area",
    "area.dayang": "Dayang Ancient Town",
    "station.zezhou-hsr": "Zezhou HSR Station",
    "station.zezhou-bus": "Zezhou Bus Station",
    "gate.gate-hsr-1": "HSR gate 1",
    "gate.gate-hsr-2": "HSR gate 2",
    "gate.gate-bus-1": "Bus station gate 1",
    "field.field-e1": "Field E1",
    "field.field-e2": "Field E2",
    "field.field-e3": "Field E3",
    "patient.name": "Patient {id}",
    "field.vwc.stale": "No moisture in the latest reading; value from {time}",
    "field.vwc.none": "No soil moisture in the latest reading",
    "comfort.comfortable": "comfortable",
    "comfort.fair": "fair",
    "comfort.uncomfortable": "uncomfortable",
    "gate.online": "online",
    "gate.degraded": "degraded",
    "gate.degraded.note": "Camera down: face lane closed, manual lane open",
    "gate.online.note": "Face-recognition lane open",
    "gate.summary": "{online} online · {degraded} degraded · {queue} queuing",
    "f.temperature": "Temperature",
    "f.humidity": "Humidity",
    "f.pm25": "PM2.5",
    "f.noise": "Noise",
    "f.thi": "THI",
    "f.comfort_index": "Comfort index",
    "f.comfort": "Comfort",
    "f.comfort_level": "Comfort level",
    "f.readings_total": "Readings",
    "f.event_time": "Event time",
    "f.area": "Area",
    "f.gate": "Gate",
    "f.station": "Station",
    "f.state": "State",
    "f.queue": "Queue",
    "f.heartbeats_total": "Heartbeats",
    "f.field": "Field",
    "f.device": "Device",
    "f.vwc": "Soil moisture",
    "f.soil_temp": "Soil temp.",
    "f.air_temp": "Air temp.",
    "f.air_humidity": "Air humidity",
    "f.battery": "Battery",
    "f.patient": "Patient",
    "f.heart_rate": "Heart rate",
    "f.resp_rate": "Resp. rate",
    "f.spo2": "SpO₂",
    "f.bp": "Blood pressure",
    "f.body_temp": "Body temp.",
    "f.consciousness": "Consciousness",
    "f.on_oxygen": "On oxygen",
    "f.observations_total": "Observations",
    "f.seq": "Seq.",
    "cons.CONSCIOUSNESS_UNSPECIFIED": "not recorded",
    "cons.CONSCIOUSNESS_ALERT": "alert",
    "cons.CONSCIOUSNESS_CONFUSION": "new confusion",
    "cons.CONSCIOUSNESS_VOICE": "responds to voice",
    "cons.CONSCIOUSNESS_PAIN": "responds to pain",
    "cons.CONSCIOUSNESS_UNRESPONSIVE": "unresponsive",
    "f.news2": "NEWS2",
    "news2.label": "NEWS2",
    "news2.none": "not scored yet",
    "news2.risk.low": "low",
    "news2.risk.low-medium": "low-medium",
    "news2.risk.medium": "medium",
    "news2.risk.high": "high",
    "news2.risk_text": "{risk} risk",
    "news2.badge_title": "NEWS2 early warning score {score}, clinical risk: {risk}",
    "news2.badge_title_partial": "NEWS2 early warning score at least {score} (incomplete data), clinical risk at least: {risk}",
    "news2.incomplete": "Incomplete",
    "news2.incomplete.missing": "Missing: {list}.",
    "news2.incomplete.lower_bound": "The score is only a lower bound; the true score may be higher.",
    "news2.list_sep": ", ",
    "news2.monitoring": "Monitoring: {text}",
    "news2.mon.12h": "every 12 h",
    "news2.mon.4_6h": "every 4-6 h",
    "news2.mon.1h": "every 1 h",
    "news2.mon.continuous": "continuous",
    "news2.resp.routine": "continue routine monitoring",
    "news2.resp.nurse": "inform registered nurse who must assess the patient",
    "news2.resp.ward": "urgent ward-based response: registered nurse to inform medical team, who will review",
    "news2.resp.urgent": "key threshold for urgent response: immediately inform medical team; urgent assessment by acute-care clinician",
    "news2.resp.emergency": "emergency response: immediately inform medical team (at least specialist registrar); critical-care assessment",
    "news2.red": "red score",
    "news2.red.title": "One parameter scored 3 (red score): urgent ward-based response",
    "news2.scale2": "SpO₂ scale 2",
    "news2.scale2.title": "Hypercapnic respiratory failure: SpO₂ target 88–92 %, scored on SpO₂ scale 2",
    "news2.points.title": "NEWS2 · {param}: {points} points",
    "news2.points.missing": "NEWS2 · {param}: no recent value, not scored",
    "news2.param.resp_rate_per_min": "resp. rate",
    "news2.param.spo2_pct": "SpO₂",
    "news2.param.on_oxygen": "air/oxygen",
    "news2.param.systolic_mmhg": "systolic BP",
    "news2.param.heart_rate_bpm": "pulse",
    "news2.param.consciousness": "consciousness",
    "news2.param.temperature_c": "temperature",
    "sound.enable": "Enable sound",
    "sound.on": "Sound on",
    "sound.pending": "Sound: click the page to enable",
    "sound.title": "Play a tone when a patient's risk rises to medium or high",
    "sound.title_on": "Click to turn the alert tone off",
    "unit.people": "people",
    "console.tourism.title": "Tourism console",
    "console.tourism.lead": "Environment at Jueshan Scenic Area and Dayang Ancient Town: temperature, humidity, PM2.5, noise and visitor comfort.",
    "console.medical.title": "Medical console",
    "console.medical.lead": "Live vital signs of patients under 5G remote monitoring.",
    "console.agri.title": "Agriculture console",
    "console.agri.lead": "Soil moisture and temperature in the fields, and the sensors' batteries.",
    "console.transport.title": "Transport console",
    "console.transport.lead": "State and queues of the 5G face-recognition gates at Zezhou HSR and bus stations.",
    "console.chart.tourism": "Temperature and comfort index by area",
    "console.chart.medical": "Heart rate and SpO₂ by patient",
    "console.chart.medical_news2": "NEWS2 score by patient",
    "console.chart.agri": "Soil moisture by field",
    "console.chart.transport": "Queue length by gate",
    "console.table": "Latest values",
    "console.tiles": "Current state",
    "console.checking": "Checking your sign-in…",
    "console.noaccess.title": "No access",
    "console.noaccess.body": "This account ({user}, role {role}) may not use the {console}. Ask the platform administrator, or sign in with another account.",
    "console.noaccess.switch": "Switch account",
    "console.medical.patients_hint": "waiting for data… (patient cards appear as live monitoring data arrives)",
    "chart.empty": "waiting for data…",
    "login.title": "Sign in",
    "login.lead": "Operators and clinicians sign in to use their scenario consoles.",
    "login.username": "Username",
    "login.password": "Password",
    "login.submit": "Sign in",
    "login.submitting": "Signing in…",
    "login.failed": "Sign-in failed: {detail}",
    "login.rate": "Too many attempts, try again in {s} s: {detail}",
    "login.public_hint": "Visitors need no account:",
    "public.title": "5G experience zone · live",
    "public.lead": "Live data from the scenic areas, the station gates and the demonstration fields, updated every second over 5G.",
    "public.tourism": "Scenic areas",
    "public.transport": "Station gates",
    "public.agri": "Demonstration fields",
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

function initialLang() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
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

/** A display name for an id of a kind ("area", "gate", "field", "station"): the raw id if unknown. */
export function nameOf(kind, id) {
  if (kind === "patient") return t("patient.name", { id });
  const key = `${kind}.${id}`;
  return has(key) ? t(key) : id;
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
    localStorage.setItem(STORAGE_KEY, next);
  } catch { /* not persisted */ }
  document.documentElement.lang = next;
  applyI18n(document);
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

document.documentElement.lang = lang;
