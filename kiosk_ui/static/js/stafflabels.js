// Words for what the staff console shows: device slots, kinds, states and reasons, event kinds, form
// field keys, payment states and brands. Bilingual (ja / en) like the rest of the console; an unknown
// value is shown as "—" with its key only in the title attribute (never an identifier in the text).

const SLOTS = {
  card: "カード読取機 / Card reader",
  receipt: "番号札プリンター / Ticket printer",
  forms: "書類プリンター / Form printer",
  payment: "決済端末 / Payment terminal",
  camera: "書類カメラ / Document camera",
  fleet: "本庁への送信 / Back-office link",
};
const KINDS = {
  DEVICE_KIND_CARD_READER: "カード読取機 / Card reader",
  DEVICE_KIND_RECEIPT_PRINTER: "レシートプリンター / Receipt printer",
  DEVICE_KIND_FORM_PRINTER: "帳票プリンター / Form printer",
  DEVICE_KIND_PAYMENT_TERMINAL: "決済端末 / Payment terminal",
  DEVICE_KIND_CAMERA: "カメラ / Camera",
};
const STATES = {
  IDLE: "待機中 / Ready",
  BUSY: "動作中 / Busy",
  ERROR: "エラー / Error",
  OFFLINE: "接続なし / Offline",
  DEVICE_STATE_UNSPECIFIED: "不明 / Unknown",
};
const REASONS = {
  paper_out: "用紙切れ / Paper out",
  fleet_backlog: "本庁へ未送信のデータが増えています / Back-office backlog growing",
  paper_near_end: "用紙残りわずか / Paper low",
  near_end: "用紙残りわずか / Paper low",
  cover_open: "ふたが開いている / Cover open",
  media_empty: "用紙切れ / Paper out",
  media_jam: "紙づまり / Paper jam",
  media_low: "用紙残りわずか / Paper low",
  offline: "接続なし / Offline",
  reader_absent: "読取機なし / No reader",
  card_present: "カードあり / Card inserted",
  no_card: "カードなし / No card",
  door_open: "ふたが開いている / Door open",
  cutter_error: "カッター故障 / Cutter error",
  printer_offline: "プリンター接続なし / Printer offline",
  terminal_busy: "端末使用中 / Terminal busy",
  stalled: "映像停止 / Video stalled",
  disconnected: "切断 / Disconnected",
};
const EVENTS = {
  state_changed: "状態の変化 / State changed",
  card: "カード / Card",
  card_event: "カード / Card",
  job: "印刷 / Print job",
  job_update: "印刷 / Print job",
  payment: "支払い / Payment",
  staff_called: "職員呼び出し / Staff called",
  resident_session: "利用者セッション / Resident session",
  visit: "手続き / Visit",
  visit_changed: "手続き / Visit",
  application: "申請 / Application",
  health: "点検 / Health check",
};
const ROLES = { filer: "届出人 / Filer", head: "世帯主 / Head", subject: "対象者 / Person", household: "世帯 / Household", dog: "犬 / Dog" };
const ATTRIBUTES = {
  name: "氏名 / Name", furigana: "ふりがな / Furigana", birth_date: "生年月日 / Birth date", sex: "性別 / Sex",
  relationship: "続柄 / Relationship", mynumber: "個人番号 / My Number", new_address: "新住所 / New address",
  old_address: "前住所 / Previous address", phone: "電話番号 / Phone", event_date: "異動日 / Date of move",
  bank_account: "口座 / Bank account", vehicle_number: "車両番号 / Vehicle number", birth_weight_g: "出生体重 / Birth weight",
  grade: "学年 / School year", previous_school: "前の学校 / Previous school", techo_number: "手帳番号 / Certificate number",
  breed: "犬種 / Breed", color: "毛色 / Colour", birth_year: "生まれ年 / Year of birth", old_tag_number: "旧鑑札番号 / Old tag number",
};
const PAYMENT_STATES = {
  PAYMENT_STATE_APPROVED: "✔ 承認 / Approved",
  PAYMENT_STATE_DECLINED: "✖ 不成立 / Declined",
  PAYMENT_STATE_CANCELLED: "取消 / Cancelled",
  PAYMENT_STATE_UNKNOWN: "⚠ 結果不明 / Unknown",
  PAYMENT_PENDING: "処理中 / Pending",
  PAYMENT_STATE_COMMITTED: "✔ 確定 / Committed",
  PAYMENT_STATE_REFUNDED: "返金 / Refunded",
  PAYMENT_STATE_CREATED: "作成 / Created",
  PAYMENT_STATE_SENT: "端末へ送信 / Sent",
  PAYMENT_STATE_IN_PROGRESS: "処理中 / In progress",
  PAYMENT_STATE_VOIDED: "取消済み / Voided",
  PAYMENT_STATE_REFUND_REQUIRED: "⚠ 返金が必要 / Refund required",
};
const BRANDS = { visa: "VISA", mastercard: "Mastercard", jcb: "JCB", amex: "American Express", diners: "Diners Club", transit_ic: "交通系IC / Transit IC", waon: "WAON", nanaco: "nanaco", edy: "楽天Edy", id: "iD", quicpay: "QUICPay", paypay: "PayPay", qr: "QR決済 / QR" };

function lookup(table, key) {
  return table[key] || table[String(key || "").toLowerCase()] || "—";
}

export const slotLabel = (slot) => lookup(SLOTS, slot);
export const kindLabel = (kind) => lookup(KINDS, kind);
export const stateLabel = (state) => lookup(STATES, String(state || "").replace(/^DEVICE_STATE_/, "")) ;
export const reasonLabel = (reason) => lookup(REASONS, reason);
export const eventLabel = (kind) => lookup(EVENTS, kind);
export const paymentStateLabel = (state) => lookup(PAYMENT_STATES, state);
export const brandLabel = (brand) => (brand ? lookup(BRANDS, brand) : "");

// "subject1.furigana" → "対象者 / Person 1 · ふりがな / Furigana"
export function fieldLabel(key) {
  const match = /^([a-z]+)(\d*)\.([a-z_]+)$/.exec(String(key));
  if (!match) return "—";
  const [, role, number, attribute] = match;
  return `${ROLES[role] || "—"}${number ? ` ${number}` : ""} · ${ATTRIBUTES[attribute] || "—"}`;
}

const PRESENCE = {
  CARD_PRESENCE_READER_ABSENT: "読取機なし / No reader", CARD_PRESENCE_NO_CARD: "カードなし / No card", CARD_PRESENCE_MY_NUMBER_CARD: "マイナンバーカード / My Number Card",
  CARD_PRESENCE_OTHER_CARD: "他のカード / Other card", CARD_PRESENCE_UNRESPONSIVE: "応答なし / Not responding",
};
const SESSION = { SESSION_EVENT_KIND_STARTED: "開始 / Started", SESSION_EVENT_KIND_EXTENDED: "延長 / Extended", SESSION_EVENT_KIND_EXPIRING: "まもなく終了 / Expiring", SESSION_EVENT_KIND_ENDED: "終了 / Ended" };
const JOBS = {
  JOB_STATE_QUEUED: "待ち / Queued", JOB_STATE_PRINTING: "印刷中 / Printing", JOB_STATE_HELD: "保留 / Held",
  JOB_STATE_COMPLETED: "✔ 完了 / Done", JOB_STATE_FAILED: "✖ 失敗 / Failed", JOB_STATE_CANCELLED: "取消 / Cancelled",
  JOB_STATE_STOPPED: "停止 / Stopped", JOB_STATE_ABORTED: "中断 / Aborted",
};
const APPLICATIONS = { APPLICATION_STATUS_AWAITING_CHECK: "確認待ち / Awaiting check", APPLICATION_STATUS_RELEASED: "送付済み / Released", APPLICATION_STATUS_EXPORTED: "出力済み / Exported" };

// One event of DeviceService.WatchEvents as {what, detail} in words.
export function describeEvent(event) {
  const kind = Object.keys(event).find((k) => !["sequence", "event_time", "device"].includes(k)) || "";
  const body = event[kind] || {};
  const reason = (key) => (key ? reasonLabel(String(key).replaceAll("-", "_")) : "");
  let detail = "";
  if (kind === "state_changed") {
    detail = `${stateLabel(body.previous_state)} → ${stateLabel(body.state)}`;
    const reasons = (body.status_reasons || []).map(reason).filter((r) => r !== "—");
    if (reasons.length) detail += ` (${reasons.join(", ")})`;
    if (body.reason) detail += ` ${reason(body.reason)}`;
  } else if (kind === "card") detail = lookup(PRESENCE, body.presence);
  else if (kind === "resident_session") detail = lookup(SESSION, body.kind);
  else if (kind === "print_job") detail = lookup(JOBS, body.state);
  else if (kind === "payment_changed") detail = paymentStateLabel(body.state);
  else if (kind === "application_changed") detail = lookup(APPLICATIONS, body.status);
  else if (kind === "visit_changed") detail = body.reception_id ? `受付 / Reception ${body.reception_id}` : "";
  else if (kind === "staff_called") detail = "窓口端末 / Kiosk";
  else if (kind === "failed") detail = body.message_ja || reason(body.reason);
  else if (kind === "progress") detail = body.percent ? `${body.percent}%` : "";
  else if (kind === "completed") detail = "✔";
  return { kind, what: lookup({ ...EVENTS, progress: "進行 / Progress", completed: "完了 / Completed", failed: "失敗 / Failed", print_job: "印刷 / Print job", payment_changed: "支払い / Payment", application_changed: "申請 / Application" }, kind), detail };
}
