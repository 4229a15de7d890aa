// Words for the domain's content the daemon sends as plain Japanese strings (counters, certificate kinds
// and options, relationships, payment brands, deadline words), keyed by that string or the stable id.
//
// Questions, choices, procedure names and reasons come as labelled data from the daemon ({ja, ja_easy, en},
// furigana marked as {漢字|かんじ}; frontyard/data/*.toml owns them). Lookup order, per string (never per
// screen): the API's label in the current language → this table's → the API's Japanese → this table's
// Japanese → the domain's own Japanese text (text_ja, name_ja, …).
// zh / ko / vi have no domain entries yet: they fall back to English for domain content (a resident who
// chose them reads Latin script more easily than kanji), then to Japanese.
import { escapeHtml, language } from "./i18n.js";

const COUNTERS = {
  // generic 課 of the domain (a city without its own mapping shows these)
  市民課: { ja: "市民課", ja_easy: "{市民課|しみんか}", en: "Citizens Division" },
  保険年金課: { ja: "保険年金課", ja_easy: "{保険年金課|ほけんねんきんか}", en: "Insurance and Pension Division" },
  介護保険課: { ja: "介護保険課", ja_easy: "{介護保険課|かいごほけんか}", en: "Long-term Care Insurance Division" },
  子育て支援課: { ja: "子育て支援課", ja_easy: "{子育|こそだ}て{支援課|しえんか}", en: "Child-rearing Support Division" },
  こども家庭課: { ja: "こども家庭課", ja_easy: "こども{家庭課|かていか}", en: "Children and Families Division" },
  こども家庭センター: { ja: "こども家庭センター", ja_easy: "こども{家庭|かてい}センター", en: "Children and Families Centre" },
  保育課: { ja: "保育課", ja_easy: "{保育課|ほいくか}", en: "Childcare Division" },
  学校教育課: { ja: "学校教育課", ja_easy: "{学校教育課|がっこうきょういくか}", en: "School Education Division" },
  障害福祉課: { ja: "障害福祉課", ja_easy: "{障害福祉課|しょうがいふくしか}", en: "Disability Welfare Division" },
  上下水道局: { ja: "上下水道局", ja_easy: "{水道局|すいどうきょく}", en: "Waterworks Bureau" },
  環境衛生課: { ja: "環境衛生課", ja_easy: "{環境衛生課|かんきょうえいせいか}", en: "Environmental Health Division" },
  税務課: { ja: "税務課", ja_easy: "{税務課|ぜいむか}({税金|ぜいきん}の{窓口|まどぐち})", en: "Taxation Division" },
  軽自動車検査協会: { ja: "軽自動車検査協会", ja_easy: "{軽自動車検査協会|けいじどうしゃけんさきょうかい}({市役所|しやくしょ}の{外|そと})", en: "Light Motor Vehicle Inspection Organization (outside city hall)" },
  保健センター: { ja: "保健センター", ja_easy: "{保健|ほけん}センター", en: "Health Centre" },
  年金事務所: { ja: "年金事務所", ja_easy: "{年金事務所|ねんきんじむしょ}", en: "Pension office" },
  法務局: { ja: "法務局", ja_easy: "{法務局|ほうむきょく}", en: "Legal Affairs Bureau" },
  税務署: { ja: "税務署", ja_easy: "{税務署|ぜいむしょ}", en: "Tax office" },
  警察署: { ja: "警察署", ja_easy: "{警察署|けいさつしょ}", en: "Police station" },
  家庭裁判所: { ja: "家庭裁判所", ja_easy: "{家庭裁判所|かていさいばんしょ}", en: "Family court" },
  旅券窓口: { ja: "旅券窓口", ja_easy: "パスポートの{窓口|まどぐち}", en: "Passport office" },
  勤め先の健康保険: { ja: "勤め先の健康保険", ja_easy: "{会社|かいしゃ}の{健康保険|けんこうほけん}", en: "Your employer's health insurance" },
  前住所地の市区町村: { ja: "前住所地の市区町村", ja_easy: "{前|まえ}に{住|す}んでいた{市|し}や{町|まち}", en: "The town you lived in before" },
  転入先の市区町村: { ja: "転入先の市区町村", ja_easy: "{引|ひ}っ{越|こ}し{先|さき}の{市|し}や{町|まち}", en: "The town you move to" },
  "大家・管理会社": { ja: "大家・管理会社", ja_easy: "{大家|おおや}さん・{管理会社|かんりがいしゃ}", en: "Your landlord or management company" },
  // 指宿市 (frontyard/data/municipalities/ibusuki.toml): the city's own counter names
  国保介護課: { ja: "国保介護課", ja_easy: "{国保介護課|こくほかいごか}({保険|ほけん}・{介護|かいご}の{窓口|まどぐち})", en: "Health Insurance and Care Division" },
  地域福祉課: { ja: "地域福祉課", ja_easy: "{地域福祉課|ちいきふくしか}({福祉|ふくし}・{子育|こそだ}ての{窓口|まどぐち})", en: "Community Welfare Division" },
  健康増進課: { ja: "健康増進課", ja_easy: "{健康増進課|けんこうぞうしんか}({健康|けんこう}の{窓口|まどぐち})", en: "Health Promotion Division" },
  環境政策課: { ja: "環境政策課", ja_easy: "{環境政策課|かんきょうせいさくか}", en: "Environmental Policy Division" },
  水道課: { ja: "水道課", ja_easy: "{水道課|すいどうか}", en: "Waterworks Division" },
  "軽自動車検査協会 鹿児島事務所(市役所外)": { ja: "軽自動車検査協会 鹿児島事務所(市役所外)", ja_easy: "{軽自動車検査協会|けいじどうしゃけんさきょうかい} {鹿児島|かごしま}({市役所|しやくしょ}の{外|そと})", en: "Light Motor Vehicle Inspection Organization, Kagoshima office (outside city hall)" },
  鹿児島南年金事務所: { ja: "鹿児島南年金事務所", ja_easy: "{鹿児島南年金事務所|かごしまみなみねんきんじむしょ}", en: "Kagoshima-Minami Pension Office" },
  "鹿児島地方法務局 指宿支局": { ja: "鹿児島地方法務局 指宿支局", ja_easy: "{法務局|ほうむきょく}の{指宿|いぶすき}の{事務所|じむしょ}", en: "Kagoshima Legal Affairs Bureau, Ibusuki branch" },
  指宿税務署: { ja: "指宿税務署", ja_easy: "{指宿税務署|いぶすきぜいむしょ}", en: "Ibusuki Tax Office" },
  指宿警察署: { ja: "指宿警察署", ja_easy: "{指宿警察署|いぶすきけいさつしょ}", en: "Ibusuki Police Station" },
  "鹿児島家庭裁判所 指宿出張所": { ja: "鹿児島家庭裁判所 指宿出張所", ja_easy: "{家庭裁判所|かていさいばんしょ}の{指宿|いぶすき}の{事務所|じむしょ}", en: "Kagoshima Family Court, Ibusuki office" },
  "鹿児島県旅券センター(または市の旅券窓口)": { ja: "鹿児島県旅券センター(または市の旅券窓口)", ja_easy: "{鹿児島県|かごしまけん}のパスポートセンター({市|し}のパスポートの{窓口|まどぐち}のこともあります)", en: "Kagoshima Prefecture passport centre (or the city's passport counter)" },
  "勤め先・健康保険組合など": { ja: "勤め先・健康保険組合など", ja_easy: "{会社|かいしゃ}や{健康保険|けんこうほけん}の{組合|くみあい}など", en: "Your employer or health insurance society" },
};

const CERTIFICATES = {
  CERTIFICATE_KIND_JUMINHYO: { ja: "住民票の写し", ja_easy: "{住民票|じゅうみんひょう}", en: "Certificate of residence (jūminhyō)" },
  CERTIFICATE_KIND_JUMINHYO_KISAI: { ja: "住民票記載事項証明書", ja_easy: "{住民票|じゅうみんひょう}の{内容|ないよう}の{証明書|しょうめいしょ}", en: "Certificate of residence record items" },
  CERTIFICATE_KIND_INKAN: { ja: "印鑑登録証明書", ja_easy: "はんこの{証明書|しょうめいしょ}({印鑑登録証明書|いんかんとうろくしょうめいしょ})", en: "Seal registration certificate (inkan shōmei)" },
  CERTIFICATE_KIND_SHOTOKU_KAZEI: { ja: "所得課税証明書", ja_easy: "{収入|しゅうにゅう}と{税金|ぜいきん}の{証明書|しょうめいしょ}", en: "Income and tax certificate" },
  CERTIFICATE_KIND_KOSEKI_ZENBU: { ja: "戸籍謄本(全部事項証明書)", ja_easy: "{戸籍|こせき}の{全部|ぜんぶ}({戸籍謄本|こせきとうほん})", en: "Family register, full copy (koseki tōhon)" },
  CERTIFICATE_KIND_KOSEKI_KOJIN: { ja: "戸籍抄本(個人事項証明書)", ja_easy: "{戸籍|こせき}の ひとり{分|ぶん}({戸籍抄本|こせきしょうほん})", en: "Family register, one person (koseki shōhon)" },
  CERTIFICATE_KIND_KOSEKI_FUHYO: { ja: "戸籍の附票の写し", ja_easy: "{戸籍|こせき}の{附票|ふひょう}({住所|じゅうしょ}の{記録|きろく})", en: "Family register address record (koseki no fuhyō)" },
};

// Certificate options, keyed by the domain's option text.
const OPTIONS = {
  世帯全員: { ja: "世帯全員", ja_easy: "{家族|かぞく} {全員|ぜんいん}", en: "Everyone in the household" },
  世帯の一部: { ja: "世帯の一部(ご本人など)", ja_easy: "{家族|かぞく}の {一部|いちぶ}({自分|じぶん}だけ など)", en: "Only some members (e.g. only you)" },
  "本籍・筆頭者の記載": { ja: "本籍・筆頭者を載せる", ja_easy: "{本籍|ほんせき}と {筆頭者|ひっとうしゃ}を {書|か}く", en: "Show registered domicile (honseki) and head of family register" },
  "世帯主・続柄の記載": { ja: "世帯主・続柄を載せる", ja_easy: "{世帯主|せたいぬし}と {続柄|つづきがら}を {書|か}く", en: "Show head of household and relationships" },
  個人番号の記載: { ja: "マイナンバー(個人番号)を載せる", ja_easy: "マイナンバーを {書|か}く", en: "Show the My Number" },
};

// Options of which at most one may be chosen (who is on a 住民票): shown as single choice.
export const EXCLUSIVE_OPTIONS = [["世帯全員", "世帯の一部"]];

const RELATIONSHIPS = {
  世帯主: { ja: "世帯主", ja_easy: "{世帯主|せたいぬし}", en: "Head of household" },
  妻: { ja: "妻", ja_easy: "{妻|つま}", en: "Wife" },
  夫: { ja: "夫", ja_easy: "{夫|おっと}", en: "Husband" },
  子: { ja: "子", ja_easy: "{子|こ}ども", en: "Child" },
  父: { ja: "父", ja_easy: "{父|ちち}", en: "Father" },
  母: { ja: "母", ja_easy: "{母|はは}", en: "Mother" },
  子の妻: { ja: "子の妻", ja_easy: "{子|こ}どもの {妻|つま}", en: "Child's wife" },
  孫: { ja: "孫", ja_easy: "{孫|まご}", en: "Grandchild" },
  その他: { ja: "その他", ja_easy: "そのほか", en: "Other" },
};

// Payment brands as the terminal reports them (drivers/payment/model.py Brand values).
const BRANDS = {
  visa: { ja: "VISA", en: "VISA" },
  mastercard: { ja: "Mastercard", en: "Mastercard" },
  jcb: { ja: "JCB", en: "JCB" },
  amex: { ja: "American Express", en: "American Express" },
  diners: { ja: "Diners Club", en: "Diners Club" },
  transit_ic: { ja: "交通系IC", ja_easy: "{交通系|こうつうけい}ICカード", en: "Transit IC card" },
  waon: { ja: "WAON", en: "WAON" },
  nanaco: { ja: "nanaco", en: "nanaco" },
  edy: { ja: "楽天Edy", en: "Rakuten Edy" },
  id: { ja: "iD", en: "iD" },
  quicpay: { ja: "QUICPay", en: "QUICPay" },
  paypay: { ja: "PayPay", en: "PayPay" },
  qr: { ja: "QRコード決済", ja_easy: "QRコード", en: "QR code payment" },
};

// Deadline words the domain gives without a date.
const DEADLINE_WORDS = {
  期限なし: { ja_easy: "いつでも いい", en: "No deadline" },
  速やかに: { ja_easy: "なるべく {早|はや}く", en: "As soon as possible" },
  "本日中(届出と同時に)": { ja_easy: "{今日|きょう}({届|とど}けと いっしょに)", en: "Today (with the notification)" },
  期限は窓口でご確認ください: { ja_easy: "{期限|きげん}は {窓口|まどぐち}で きいてください", en: "Ask at the counter for the deadline" },
  "至急(期限を過ぎています)": { ja_easy: "すぐに({期限|きげん}が すぎています)", en: "Urgent (past the deadline)" },
};

export const TABLES = {
  counter: COUNTERS,
  certificate: CERTIFICATES,
  option: OPTIONS,
  relationship: RELATIONSHIPS,
  brand: BRANDS,
  deadline: DEADLINE_WORDS,
};

// The label fields of the API's labelled data, per UI language.
const FIELD = { ja: "ja", "ja-easy": "ja_easy", en: "en", zh: "en", ko: "en", vi: "en" };

// "{漢字|かんじ}" → <ruby>; the rest escaped. Without furigana (plain Japanese) the reading is dropped.
export function furigana(text, withRuby = true) {
  const parts = [];
  let last = 0;
  for (const match of String(text).matchAll(/\{([^|{}]+)\|([^|{}]+)\}/g)) {
    parts.push(escapeHtml(text.slice(last, match.index)));
    parts.push(withRuby ? `<ruby>${escapeHtml(match[1])}<rt>${escapeHtml(match[2])}</rt></ruby>` : escapeHtml(match[1]));
    last = match.index + match[0].length;
  }
  parts.push(escapeHtml(String(text).slice(last)));
  return parts.join("");
}

function pick(labels, field) {
  if (!labels) return "";
  return labels[field] || "";
}

// The label of a domain item as HTML. `table`: a TABLES key; `id`: the stable id; `api`: the API's
// labels ({ja, ja_easy, en}) when it sent some; `fallback`: the domain's own Japanese text.
export function domainLabel(table, id, { api = null, fallback = "" } = {}) {
  const entry = (TABLES[table] || {})[id] || null;
  const field = FIELD[language()] || "ja";
  const text = pick(api, field) || pick(entry, field) || pick(api, "ja") || pick(entry, "ja") || fallback || "";
  return furigana(text, field === "ja_easy");
}

// The same without markup (aria-label, data attributes).
export function domainPlain(table, id, options = {}) {
  const holder = document.createElement("div");
  holder.innerHTML = domainLabel(table, id, options).replace(/<rt>.*?<\/rt>/g, "");
  return holder.textContent;
}
