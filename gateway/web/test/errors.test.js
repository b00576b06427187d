// Server errors are shown by their code, in the page's language, never by the English detail.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError, describe } from "../static/js/api.js";
import { setLang } from "../static/js/i18n.js";

const err = (status, code, params = {}, detail = "English sentence from the server") =>
  new ApiError(status, detail, null, code, params);

test("a coded error is translated with its params, services and dependencies by name", () => {
  setLang("zh-CN");
  assert.equal(describe(err(401, "auth.bad_credentials")), "用户名或密码错误");
  assert.equal(describe(err(403, "service.permission_denied", { service: "medical" })),
    "医疗服务：您无权查看或修改此记录");
  assert.equal(describe(err(503, "unavailable", { dependency: "kafka" })), "消息服务暂时不可用，请稍后再试");
  assert.equal(describe(err(429, "rate_limited", { retry_after_s: 42 })), "请求过于频繁，请 42 秒后再试");
  setLang("en");
  assert.equal(describe(err(403, "service.permission_denied", { service: "medical" })),
    "medical service: you may not see or change this record");
});

test("an unknown code falls back by status, a service's by a generic sentence", () => {
  setLang("en");
  assert.equal(describe(err(404, "something.new")), "Not found");
  assert.equal(describe(err(409, "service.aborted", { service: "agri" })), "The agriculture service failed; try again shortly");
  assert.equal(describe(err(418, null)), "Request failed (418)");
  assert.equal(describe(new ApiError(0, "x", null, "network")), "Network error: the platform gateway cannot be reached");
  assert.equal(describe(new TypeError("boom")), "The page hit an error; reload it");
  for (const e of [err(404, "something.new"), err(409, "service.aborted", { service: "agri" })]) {
    assert.ok(!describe(e).includes("English sentence"));
  }
  setLang("zh-CN");
});

test("a service's refusal is worded by its reason code, with the values it carries", async () => {
  await import("../static/js/transport/i18n.js");
  const refusal = (reason, params = {}) =>
    err(400, "service.invalid_argument", { service: "transport", reason, ...params });
  setLang("zh-CN");
  assert.equal(describe(refusal("REFUSAL_TOO_MANY_CODE_REQUESTS", { minutes: 10 })), "验证码请求过多，请 10 分钟后再试");
  setLang("en");
  assert.equal(describe(refusal("REFUSAL_OVERRIDE_REASON_REQUIRED", { min_chars: 4 })),
    "The ID does not match the ticket: opening needs a reason (at least 4 characters)");
  // A code this page has no words for falls back to the status's sentence, never the detail.
  assert.equal(describe(refusal("REFUSAL_FROM_A_NEWER_SERVICE")), "transport service: the request is not valid");
  setLang("zh-CN");
});
