// perfaudit serve: the reviewer's controls on a unit report. Text from the page and the server is
// shown with textContent only (never as markup); writes carry the session token of the page.
"use strict";
(function () {
  const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;
  const unit = meta("perfaudit-unit"), token = meta("perfaudit-token");
  const api = "/_perfaudit/api/";
  const LABELS = { confirmed: "确认", excluded: "排除", resolved: "已整改" };
  const FINDING = /^[0-9a-f]{16}$/;
  let state = null, waitingFor = null;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value; else node.setAttribute(key, value);
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  async function call(method, path, body) {
    const options = { method, headers: {} };
    if (body !== undefined) {
      options.headers = { "Content-Type": "application/json", "X-Perfaudit-Token": token };
      options.body = JSON.stringify(body);
    }
    const answer = await fetch(api + path, options);
    const data = await answer.json().catch(() => ({ error: `HTTP ${answer.status}` }));
    if (!answer.ok) throw new Error(data.error || `HTTP ${answer.status}`);
    return data;
  }

  // ------------------------------------------------------------ the bar at the top
  const status = el("span", { class: "pa-status", id: "pa-status" });
  const signed = el("span", { class: "pa-signed" });
  const reviewer = el("input", { type: "text", id: "pa-reviewer", placeholder: "审核人", maxlength: "100" });
  const day = el("input", { type: "date", id: "pa-date" });
  day.value = new Date().toISOString().slice(0, 10);
  const signButton = el("button", { type: "button", id: "pa-signoff" }, "签署");
  const stale = el("details", { class: "pa-stale", hidden: "" });
  const bar = el("div", { class: "pa-bar", id: "pa-bar" },
    el("strong", {}, "审核工作台"), " ", el("span", { class: "pa-unit" }, document.title.replace(/\s*项目支出绩效目标审核报告$/, "")),
    " ", el("a", { href: "/index.html" }, "总览"), " ",
    el("span", { class: "pa-signoff" }, "单位签署：", signed, " ", reviewer, " ", day, " ", signButton),
    status, stale);
  document.body.prepend(bar);

  function say(text, kind) {
    status.textContent = text;
    status.className = "pa-status" + (kind ? " pa-" + kind : "");
  }

  signButton.addEventListener("click", async () => {
    if (!reviewer.value.trim()) { say("请填写审核人姓名。", "error"); reviewer.focus(); return; }
    try {
      const answer = await call("POST", `units/${unit}/signoff`, { reviewer: reviewer.value, date: day.value || null });
      decided(answer);
    } catch (error) { say("未保存：" + error.message, "error"); }
  });

  // ------------------------------------------------------------ controls on each finding
  const controls = new Map();  // finding id -> {box, shown}
  for (const code of document.querySelectorAll("code.finding-id")) {
    const fid = code.textContent.trim();
    if (!FINDING.test(fid)) continue;
    const shown = el("span", { class: "pa-decision" });
    const box = el("span", { class: "pa-controls", "data-finding": fid }, shown);
    for (const [value, label] of Object.entries(LABELS)) {
      const button = el("button", { type: "button", class: "pa-" + value, "data-status": value }, label);
      button.addEventListener("click", () => openForm(fid, value));
      box.append(button);
    }
    const clear = el("button", { type: "button", class: "pa-clear", hidden: "" }, "撤销");
    clear.addEventListener("click", () => send(fid, { clear: true }));
    box.append(clear);
    (code.closest(".review") || code.parentElement).append(box);
    controls.set(fid, { box, shown, clear });
  }

  // 排除 asks for its reason (required); 确认 and 已整改 for a note (已整改: what the unit corrected).
  function openForm(fid, value) {
    const { box } = controls.get(fid);
    box.querySelector(".pa-form")?.remove();
    const current = (state && state.decisions[fid]) || {};
    const excluding = value === "excluded";
    const reason = excluding ? el("textarea", { class: "pa-reason", rows: "2", maxlength: "2000", placeholder: "排除理由（必填）" }) : null;
    if (reason) reason.value = current.status === value && current.reason ? current.reason : "";
    const note = el("textarea", { class: "pa-note", rows: "2", maxlength: "2000",
      placeholder: value === "resolved" ? "整改情况（可选）" : "备注（可选）" });
    note.value = current.note || "";
    const submit = el("button", { type: "submit", class: "pa-submit" }, "提交" + LABELS[value]);
    const cancel = el("button", { type: "button" }, "取消");
    const form = el("form", { class: "pa-form" }, reason && el("div", {}, reason), el("div", {}, note), submit, " ", cancel);
    cancel.addEventListener("click", () => form.remove());
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (excluding && !reason.value.trim()) { say("排除须填写理由。", "error"); reason.focus(); return; }
      send(fid, { status: value, reason: reason ? reason.value || null : null, note: note.value || null });
    });
    box.append(form);
    (reason || note).focus();
  }

  async function send(fid, body) {
    try {
      decided(await call("POST", `units/${unit}/findings/${fid}`, body));
      controls.get(fid).box.querySelector(".pa-form")?.remove();
    } catch (error) { say("未保存：" + error.message, "error"); }
  }

  // ------------------------------------------------------------ what the file says now
  function show(next) {
    state = next;
    for (const [fid, { box, shown, clear }] of controls) {
      const d = state.decisions[fid];
      shown.textContent = d ? "已记录：" + (d.status ? LABELS[d.status] : "待审核") +
        (d.reason ? "，理由：" + d.reason : "") + (d.note ? "，备注：" + d.note : "") : "";
      box.classList.toggle("pa-decided", Boolean(d && d.status));
      clear.hidden = !d;
    }
    signed.textContent = state.signoff ? `${state.signoff.reviewer}（${state.signoff.date}）` : "未签署";
    // Decisions whose finding is not on this page (stale, or recorded since the report was built): shown, never dropped.
    const absent = Object.entries(state.decisions).filter(([fid]) => !controls.has(fid));
    stale.hidden = absent.length === 0;
    stale.replaceChildren(el("summary", {}, `审核意见文件中另有 ${absent.length} 条意见，其发现不在本报告中（失效的意见保留在文件中）`),
      ...absent.map(([fid, d]) => el("div", {}, el("code", {}, fid), " ", d.status ? LABELS[d.status] : "待审核",
        d.reason ? "，理由：" + d.reason : "", d.note ? "，备注：" + d.note : "")));
  }

  function decided(answer) {
    show(answer.state);
    if (answer.ticket === null || answer.ticket === undefined) {
      say("已保存到审核意见文件。报告将在下次 perfaudit run 后更新。", "ok");
      return;
    }
    waitingFor = Math.max(waitingFor || 0, answer.ticket);
    say("已保存。正在更新本单位、所属部门的报告和总览……", "busy");
    poll();
  }

  async function poll() {
    let rebuild;
    try { rebuild = await call("GET", "rebuild"); } catch (error) { setTimeout(poll, 2000); return; }
    if (rebuild.state === "disabled") {
      say("已保存，但报告不会自动更新：" + (rebuild.last ? rebuild.last.message : ""), "error");
      return;
    }
    if (waitingFor !== null && rebuild.completed >= waitingFor) {
      if (rebuild.last && rebuild.last.ok) {
        say("报告已更新，正在重新载入……", "ok");
        sessionStorage.setItem("pa-scroll", String(window.scrollY));  // the reviewer stays where they were
        location.reload();
      }
      else say("报告更新失败：" + (rebuild.last ? rebuild.last.message : "") + "（决定已保存）", "error");
      waitingFor = null;
      return;
    }
    if (waitingFor !== null || rebuild.state === "running" || rebuild.state === "queued" || rebuild.state === "waiting") {
      const words = { running: "正在更新报告", queued: "等待更新报告", waiting: "另一次运行占用输出目录，稍后更新" };
      const seconds = rebuild.seconds ? `（${Math.round(rebuild.seconds)} 秒）` : "";
      say(`${words[rebuild.state] || "正在更新报告"}${seconds}……`, "busy");
      setTimeout(poll, 1000);
    } else {
      say("", "");
    }
  }

  const scrolled = sessionStorage.getItem("pa-scroll");
  if (scrolled !== null) { sessionStorage.removeItem("pa-scroll"); window.scrollTo(0, Number(scrolled)); }

  call("GET", `units/${unit}`).then((data) => { show(data); poll(); })
    .catch((error) => say("无法读取审核意见文件：" + error.message, "error"));
})();
