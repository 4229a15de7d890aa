// Words for the domain's content (questions, choices, procedures, reasons, counters, certificates and their
// options, relationships, payment brands), keyed by the domain's stable ids.
//
// The daemon will send labelled data itself ({ja, ja_easy, en}, furigana marked as {漢字|かんじ}); until then,
// and for any string it does not label, this table fills in. Lookup order, per string (never per screen):
//   the API's label in the current language → this table's → the API's Japanese → this table's Japanese →
//   the domain's own Japanese text (text_ja, name_ja, …).
// zh / ko / vi have no domain entries yet: they fall back to English for domain content (a resident who
// chose them reads Latin script more easily than kanji), then to Japanese.
import { escapeHtml, language } from "./i18n.js";

// Each entry: { ja, ja_easy, en }. ja_easy marks furigana as {漢字|かんじ}.
const QUESTIONS = {
  has_mn_card: { ja: "マイナンバーカードをお持ちですか", ja_easy: "マイナンバーカードを {持|も}っていますか", en: "Do you have a My Number Card?" },
  insurance: { ja: "加入している(加入する)健康保険はどれですか", ja_easy: "どの{健康保険|けんこうほけん}に {入|はい}っていますか(これから {入|はい}りますか)", en: "Which health insurance are you in (or joining)?" },
  pension_class: { ja: "国民年金の種別はどれですか", ja_easy: "{国民年金|こくみんねんきん}は どれですか", en: "Which National Pension category?" },
  mn_linked_pension: { ja: "マイナンバーと基礎年金番号は連携済みですか(わからない場合は「はい」)", ja_easy: "マイナンバーと {年金|ねんきん}の{番号|ばんごう}は つながっていますか(わからないときは「はい」)", en: "Is your My Number linked to your basic pension number? (If unsure, answer Yes.)" },
  kaigo_nintei: { ja: "要介護・要支援の認定を受けていますか", ja_easy: "{介護|かいご}が{必要|ひつよう}と {認|みと}められていますか(要介護・要支援)", en: "Do you have a long-term care (kaigo) certification?" },
  jushochi_tokurei: { ja: "特別養護老人ホームなどの施設に入所するための転入ですか", ja_easy: "{老人|ろうじん}ホームなどに {入|はい}るための {引|ひ}っ{越|こ}しですか", en: "Is this move to enter a care facility (such as a nursing home)?" },
  kouki_shogai_nintei: { ja: "後期高齢者医療の障害認定を受けていますか", ja_easy: "{後期高齢者医療|こうきこうれいしゃいりょう}の {障害|しょうがい}の{認定|にんてい}を {受|う}けていますか", en: "Do you have a disability certification for the medical system for people aged 75+?" },
  shintai_techo: { ja: "身体障害者手帳をお持ちですか", ja_easy: "{身体障害者手帳|しんたいしょうがいしゃてちょう}を {持|も}っていますか", en: "Do you have a physical disability certificate (shintai shōgaisha techō)?" },
  ryouiku_techo: { ja: "療育手帳をお持ちですか", ja_easy: "{療育手帳|りょういくてちょう}を {持|も}っていますか", en: "Do you have an intellectual disability certificate (ryōiku techō)?" },
  seishin_techo: { ja: "精神障害者保健福祉手帳をお持ちですか", ja_easy: "{精神障害者保健福祉手帳|せいしんしょうがいしゃほけんふくしてちょう}を {持|も}っていますか", en: "Do you have a mental disability certificate (seishin shōgaisha techō)?" },
  uses_shogai_service: { ja: "前の市区町村で障害福祉サービスや自立支援医療を利用していましたか", ja_easy: "{前|まえ}の{町|まち}で {障害|しょうがい}の{福祉|ふくし}サービスや {自立支援医療|じりつしえんいりょう}を {使|つか}っていましたか", en: "Did you use disability welfare services or support for medical costs in your previous town?" },
  pregnant: { ja: "妊娠中ですか", ja_easy: "おなかに {赤|あか}ちゃんが いますか", en: "Are you pregnant?" },
  wants_inkan: { ja: "印鑑登録をしますか", ja_easy: "はんこの{登録|とうろく}(印鑑登録)を しますか", en: "Do you want to register a personal seal (inkan)?" },
  wants_esign: { ja: "署名用電子証明書(e-Taxなどの電子申請用)を使いますか", ja_easy: "インターネットの{申請|しんせい}(e-Taxなど)に カードを {使|つか}いますか", en: "Will you use the signature certificate on the card (for online filing such as e-Tax)?" },
  foreign_mid_long_term: { ja: "在留カードをお持ちですか", ja_easy: "{在留|ざいりゅう}カードを {持|も}っていますか", en: "Do you have a residence card (zairyū card)?" },
  from_other_prefecture: { ja: "前の住所は鹿児島県の外ですか", ja_easy: "{前|まえ}の{住所|じゅうしょ}は {鹿児島県|かごしまけん}の {外|そと}ですか", en: "Was your previous address outside Kagoshima Prefecture?" },
  new_dwelling_on_public_water: { ja: "新しい住まいで市の水道を使い始めますか", ja_easy: "{新|あたら}しい {家|いえ}で {市|し}の{水道|すいどう}を {使|つか}いはじめますか", en: "Will you start using the city water supply at your new home?" },
  dogs: { ja: "犬を何頭飼っていますか", ja_easy: "{犬|いぬ}を {何|なん}びき {飼|か}っていますか", en: "How many dogs do you keep?" },
  dog_vaccinated_this_year: { ja: "今年度の狂犬病予防注射は済んでいますか", ja_easy: "{今年|ことし}の {犬|いぬ}の{注射|ちゅうしゃ}(狂犬病)は {終|お}わりましたか", en: "Has this year's rabies vaccination been given?" },
  needs_childcare: { ja: "お子さんの保育所等の利用を希望しますか", ja_easy: "{子|こ}どもを {保育所|ほいくしょ}などに {預|あず}けたいですか", en: "Do you want a place at a nursery (hoikusho) for your child?" },
  single_parent: { ja: "ひとり親家庭ですか", ja_easy: "{親|おや}が ひとりの{家庭|かてい}ですか", en: "Are you a single-parent family?" },
  claimant_is_civil_servant: { ja: "児童手当を請求する方は公務員ですか", ja_easy: "{子|こ}どものお{金|かね}(児童手当)を もらう{人|ひと}は {公務員|こうむいん}ですか", en: "Is the person claiming the child allowance a public servant?" },
  owns_gentsuki: { ja: "原付(125cc以下)や小型特殊自動車をお持ちですか", ja_easy: "{原付|げんつき}バイク(125cc{以下|いか})や {小|ちい}さな{特殊|とくしゅ}{自動車|じどうしゃ}を {持|も}っていますか", en: "Do you own a moped (125 cc or less) or a small special vehicle?" },
  owns_kei_or_moto: { ja: "軽自動車や126〜250ccの二輪車をお持ちですか", ja_easy: "{軽自動車|けいじどうしゃ}や 126〜250ccの バイクを {持|も}っていますか", en: "Do you own a kei car or a motorcycle of 126–250 cc?" },
};

// Choices of choice questions: question id → choice value → label.
const CHOICES = {
  insurance: {
    kokuho: { ja: "国民健康保険", ja_easy: "{国民健康保険|こくみんけんこうほけん}", en: "National Health Insurance (kokuho)" },
    employee: { ja: "会社の健康保険(本人)", ja_easy: "{会社|かいしゃ}の{健康保険|けんこうほけん}({自分|じぶん}で{入|はい}っている)", en: "Employer's health insurance (as the employee)" },
    employee_dependent: { ja: "会社の健康保険(家族として扶養)", ja_easy: "{会社|かいしゃ}の{健康保険|けんこうほけん}({家族|かぞく}として)", en: "Employer's health insurance (as a dependant)" },
    kouki: { ja: "後期高齢者医療(75歳以上)", ja_easy: "{後期高齢者医療|こうきこうれいしゃいりょう}(75{歳|さい}{以上|いじょう})", en: "Medical care for people aged 75+ (kōki kōreisha)" },
    seikatsu_hogo: { ja: "生活保護(医療扶助)", ja_easy: "{生活保護|せいかつほご}", en: "Public assistance (seikatsu hogo)" },
    none: { ja: "どれにも入っていない", ja_easy: "どれにも {入|はい}っていない", en: "None of these" },
  },
  pension_class: {
    1: { ja: "第1号(自営業・学生など)", ja_easy: "1{号|ごう}({自分|じぶん}で{仕事|しごと}をしている{人|ひと}・{学生|がくせい}など)", en: "Category 1 (self-employed, students and others)" },
    2: { ja: "第2号(会社員・公務員)", ja_easy: "2{号|ごう}({会社|かいしゃ}や{役所|やくしょ}で{働|はたら}いている)", en: "Category 2 (company employees, public servants)" },
    3: { ja: "第3号(第2号の方に扶養されている配偶者)", ja_easy: "3{号|ごう}(2{号|ごう}の{人|ひと}の {夫|おっと}か{妻|つま}で、{扶養|ふよう}されている)", en: "Category 3 (spouse supported by a Category 2 member)" },
  },
};

const PROCEDURES = {
  JUKI_TENNYU: { ja: "住民異動届(転入届)", ja_easy: "{引|ひ}っ{越|こ}してきた {届|とど}け(転入届)", en: "Moving-in notification (tennyū todoke)" },
  MN_KEIZOKU: { ja: "マイナンバーカード継続利用(券面記載事項変更)", ja_easy: "マイナンバーカードの{住所|じゅうしょ}を {書|か}きかえる", en: "Update the address on your My Number Card" },
  JPKI_SIGN: { ja: "署名用電子証明書 再発行", ja_easy: "カードの{電子証明書|でんししょうめいしょ}を もう{一度|いちど} {出|だ}す", en: "Re-issue the card's signature certificate" },
  INKAN: { ja: "印鑑登録", ja_easy: "はんこの{登録|とうろく}(印鑑登録)", en: "Seal registration (inkan tōroku)" },
  KOKUHO: { ja: "国民健康保険 加入届", ja_easy: "{国民健康保険|こくみんけんこうほけん}に {入|はい}る", en: "Join National Health Insurance" },
  NENKIN_1: { ja: "国民年金 第1号 資格取得/住所変更", ja_easy: "{国民年金|こくみんねんきん}(1{号|ごう})の {届|とど}け", en: "National Pension Category 1: join or change address" },
  KOUKI: { ja: "後期高齢者医療 転入", ja_easy: "{後期高齢者医療|こうきこうれいしゃいりょう}の {引|ひ}っ{越|こ}しの{届|とど}け", en: "Medical care for people aged 75+: moving in" },
  KAIGO_SHIKAKU: { ja: "介護保険 資格取得(異動)届", ja_easy: "{介護保険|かいごほけん}の {届|とど}け", en: "Long-term care insurance: registration" },
  KAIGO_HIKITSUGI: { ja: "要介護・要支援認定の引継ぎ", ja_easy: "{介護|かいご}の{認定|にんてい}を {引|ひ}きつぐ", en: "Transfer of your care-need certification" },
  JIDOU_TEATE: { ja: "児童手当 認定請求", ja_easy: "{子|こ}どものお{金|かね}(児童手当)の {申|もう}しこみ", en: "Child allowance (jidō teate): claim" },
  KODOMO_IRYOU: { ja: "子ども医療費助成", ja_easy: "{子|こ}どもの {病院|びょういん}のお{金|かね}の {助|たす}け", en: "Children's medical cost subsidy" },
  HITORIOYA_IRYOU: { ja: "ひとり親家庭等医療費助成", ja_easy: "ひとり{親|おや}の{家庭|かてい}の {病院|びょういん}のお{金|かね}の {助|たす}け", en: "Medical cost subsidy for single-parent families" },
  JIDOU_FUYOU: { ja: "児童扶養手当(住所変更/認定請求)", ja_easy: "ひとり{親|おや}の{家庭|かてい}のお{金|かね}(児童扶養手当)", en: "Child-rearing allowance for single parents (jidō fuyō teate)" },
  HOIKU: { ja: "保育所等 利用申込/支給認定(2・3号)", ja_easy: "{保育所|ほいくしょ}の {申|もう}しこみ", en: "Nursery (hoikusho) application" },
  TENNYUGAKU: { ja: "小・中学校 転入学", ja_easy: "{小学校|しょうがっこう}・{中学校|ちゅうがっこう}に {入|はい}る {手続|てつづ}き", en: "Transfer to an elementary or junior high school" },
  SHINSHOU: { ja: "身体障害者手帳 居住地変更届", ja_easy: "{身体障害者手帳|しんたいしょうがいしゃてちょう}の {住所|じゅうしょ}を かえる", en: "Physical disability certificate: change of address" },
  RYOUIKU: { ja: "療育手帳 住所変更", ja_easy: "{療育手帳|りょういくてちょう}の {住所|じゅうしょ}を かえる", en: "Intellectual disability certificate: change of address" },
  SEISHIN: { ja: "精神障害者保健福祉手帳 住所変更", ja_easy: "{精神障害者保健福祉手帳|せいしんしょうがいしゃほけんふくしてちょう}の {住所|じゅうしょ}を かえる", en: "Mental disability certificate: change of address" },
  SHOUGAI_SVC: { ja: "障害福祉サービス支給申請/自立支援医療再申請", ja_easy: "{障害|しょうがい}の{福祉|ふくし}サービスの {申|もう}しこみ", en: "Disability welfare services / medical support: apply again" },
  SUIDOU: { ja: "水道使用開始届", ja_easy: "{水道|すいどう}を {使|つか}いはじめる {届|とど}け", en: "Start of water supply" },
  INU: { ja: "犬の登録事項変更(転入)", ja_easy: "{犬|いぬ}の{登録|とうろく}の {住所|じゅうしょ}を かえる", en: "Dog registration: change of address" },
  KYOUKEN: { ja: "狂犬病予防注射済票 交付", ja_easy: "{犬|いぬ}の{注射|ちゅうしゃ}が {終|お}わった しるし(注射済票)を もらう", en: "Rabies vaccination tag" },
  GENTSUKI: { ja: "原付(125cc以下)・小型特殊 標識交付", ja_easy: "{原付|げんつき}バイクの ナンバープレート", en: "Number plate for a moped or small special vehicle" },
  KEI: { ja: "軽自動車/二輪(126-250cc) 住所変更(案内のみ)", ja_easy: "{軽自動車|けいじどうしゃ}・バイクの {住所|じゅうしょ}を かえる(あんないだけ)", en: "Kei car / motorcycle (126–250 cc): change of address (information only)" },
  NINPU_KENSHIN: { ja: "妊婦健康診査受診票の交換", ja_easy: "{妊婦|にんぷ}さんの {健診|けんしん}の{紙|かみ}を とりかえる", en: "Exchange of prenatal check-up vouchers" },
  NINPU_KYUFU: { ja: "妊婦のための支援給付(再認定/胎児数届)", ja_easy: "{妊婦|にんぷ}さんへの お{金|かね}の{助|たす}け", en: "Support payment for pregnant women" },
  SHUSSEI: { ja: "出生届", ja_easy: "{赤|あか}ちゃんが {生|う}まれた {届|とど}け(出生届)", en: "Birth registration (shusshō todoke)" },
  SHUSSEI_RENRAKU: { ja: "出生連絡票(新生児訪問依頼兼低体重児届)", ja_easy: "{赤|あか}ちゃんの {家|いえ}への {訪問|ほうもん}の {申|もう}しこみ", en: "Newborn home-visit request" },
  SHUSSAN_ICHIJI: { ja: "出産育児一時金(差額)", ja_easy: "{出産|しゅっさん}のお{金|かね}(出産育児一時金)", en: "Childbirth lump-sum allowance (difference)" },
  GAIKOKU_JUKYO: { ja: "住居地の届出(在留カード)", ja_easy: "{在留|ざいりゅう}カードの {住所|じゅうしょ}の {届|とど}け", en: "Notification of residence (residence card)" },
};

// Why a procedure is needed: procedure id → short reason.
const REASONS = {
  JUKI_TENNYU: { ja_easy: "ほかの{町|まち}から {引|ひ}っ{越|こ}してきたから", en: "You moved here from another municipality." },
  MN_KEIZOKU: { ja_easy: "マイナンバーカードを {持|も}っているから", en: "You have a My Number Card." },
  JPKI_SIGN: { ja_easy: "{住所|じゅうしょ}がかわって {証明書|しょうめいしょ}が {使|つか}えなくなったから", en: "The move cancelled the signature certificate and you want to file online." },
  INKAN: { ja_easy: "はんこの{登録|とうろく}を したいから", en: "You want to register a seal (the old one ends with the move)." },
  KOKUHO: { ja_easy: "{国民健康保険|こくみんけんこうほけん}に {入|はい}る{人|ひと}が いるから", en: "Someone under 75 joins National Health Insurance." },
  NENKIN_1: { ja_easy: "{国民年金|こくみんねんきん}1{号|ごう}の{人|ひと}が いるから", en: "Someone is in National Pension Category 1." },
  KOUKI: { ja_easy: "75{歳|さい}{以上|いじょう}の{人|ひと}が ほかの{県|けん}から {来|き}たから", en: "Someone aged 75+ moved in from another prefecture." },
  KAIGO_SHIKAKU: { ja_easy: "65{歳|さい}{以上|いじょう}の{人|ひと}が {引|ひ}っ{越|こ}してきたから", en: "Someone aged 65+ (or certified aged 40–64) moved in." },
  KAIGO_HIKITSUGI: { ja_easy: "{前|まえ}の{町|まち}で {介護|かいご}の{認定|にんてい}を {受|う}けていたから", en: "Someone had a care-need certification in the previous town." },
  JIDOU_TEATE: { ja_easy: "18{歳|さい}までの {子|こ}どもが いるから", en: "There is a child up to 18." },
  KODOMO_IRYOU: { ja_easy: "{助|たす}けの {対象|たいしょう}の {子|こ}どもが いるから", en: "There is a child within the city's subsidy age." },
  HITORIOYA_IRYOU: { ja_easy: "ひとり{親|おや}の{家庭|かてい}で {子|こ}どもが いるから", en: "A single-parent family with a child up to 18." },
  JIDOU_FUYOU: { ja_easy: "ひとり{親|おや}の{家庭|かてい}で {子|こ}どもが いるから", en: "A single-parent family with a child up to 18." },
  HOIKU: { ja_easy: "{保育所|ほいくしょ}を {使|つか}いたい {子|こ}どもが いるから", en: "A preschool child needs childcare." },
  TENNYUGAKU: { ja_easy: "{小学生|しょうがくせい}・{中学生|ちゅうがくせい}が いるから", en: "There is an elementary or junior high school pupil." },
  SHINSHOU: { ja_easy: "{身体障害者手帳|しんたいしょうがいしゃてちょう}を {持|も}っている{人|ひと}が いるから", en: "Someone has a physical disability certificate." },
  RYOUIKU: { ja_easy: "{療育手帳|りょういくてちょう}を {持|も}っている{人|ひと}が いるから", en: "Someone has an intellectual disability certificate." },
  SEISHIN: { ja_easy: "{精神障害者保健福祉手帳|せいしんしょうがいしゃほけんふくしてちょう}を {持|も}っている{人|ひと}が いるから", en: "Someone has a mental disability certificate." },
  SHOUGAI_SVC: { ja_easy: "{前|まえ}の{町|まち}で {福祉|ふくし}サービスを {使|つか}っていたから", en: "Someone used these services in the previous town." },
  SUIDOU: { ja_easy: "{市|し}の{水道|すいどう}を {使|つか}いはじめるから", en: "You start using the city water supply." },
  INU: { ja_easy: "{犬|いぬ}を {飼|か}っているから", en: "You keep a dog." },
  KYOUKEN: { ja_easy: "{今年|ことし}の{注射|ちゅうしゃ}が {終|お}わった {犬|いぬ}が いるから", en: "A dog has had this year's rabies vaccination." },
  GENTSUKI: { ja_easy: "{原付|げんつき}バイクなどを {持|も}っているから", en: "You own a moped or small special vehicle." },
  KEI: { ja_easy: "{軽自動車|けいじどうしゃ}・バイクを {持|も}っているから({市役所|しやくしょ}の{外|そと}の{手続|てつづ}き)", en: "You own a kei car or motorcycle (done outside city hall)." },
  NINPU_KENSHIN: { ja_easy: "おなかに {赤|あか}ちゃんが いる{人|ひと}が いるから", en: "Someone is pregnant." },
  NINPU_KYUFU: { ja_easy: "おなかに {赤|あか}ちゃんが いる、または {生|う}まれたから", en: "Someone is pregnant or has given birth (an interview is needed)." },
  SHUSSEI: { ja_easy: "{赤|あか}ちゃんが {生|う}まれたから", en: "A baby was born." },
  SHUSSEI_RENRAKU: { ja_easy: "{赤|あか}ちゃんが {生|う}まれたから", en: "A baby was born (required under 2,500 g)." },
  SHUSSAN_ICHIJI: { ja_easy: "{国民健康保険|こくみんけんこうほけん}の{人|ひと}が {出産|しゅっさん}したから", en: "Someone in National Health Insurance gave birth." },
  GAIKOKU_JUKYO: { ja_easy: "{在留|ざいりゅう}カードを {持|も}っている{人|ひと}が いるから", en: "Someone is a mid- to long-term resident (done with the moving-in notification)." },
};

const COUNTERS = {
  市民課: { ja_easy: "{市民課|しみんか}", en: "Citizens Division" },
  保険年金課: { ja_easy: "{保険年金課|ほけんねんきんか}", en: "Insurance and Pension Division" },
  介護保険課: { ja_easy: "{介護保険課|かいごほけんか}", en: "Long-term Care Insurance Division" },
  子育て支援課: { ja_easy: "{子育|こそだ}て{支援課|しえんか}", en: "Child-rearing Support Division" },
  こども家庭課: { ja_easy: "こども{家庭課|かていか}", en: "Children and Families Division" },
  こども家庭センター: { ja_easy: "こども{家庭|かてい}センター", en: "Children and Families Centre" },
  保育課: { ja_easy: "{保育課|ほいくか}", en: "Childcare Division" },
  学校教育課: { ja_easy: "{学校教育課|がっこうきょういくか}", en: "School Education Division" },
  障害福祉課: { ja_easy: "{障害福祉課|しょうがいふくしか}", en: "Disability Welfare Division" },
  上下水道局: { ja_easy: "{水道局|すいどうきょく}", en: "Waterworks Bureau" },
  環境衛生課: { ja_easy: "{環境衛生課|かんきょうえいせいか}", en: "Environmental Health Division" },
  税務課: { ja_easy: "{税務課|ぜいむか}", en: "Taxation Division" },
  軽自動車検査協会: { ja_easy: "{軽自動車検査協会|けいじどうしゃけんさきょうかい}({市役所|しやくしょ}の{外|そと})", en: "Light Motor Vehicle Inspection Organization (outside city hall)" },
  保健センター: { ja_easy: "{保健|ほけん}センター", en: "Health Centre" },
};

const CERTIFICATES = {
  CERTIFICATE_KIND_JUMINHYO: { ja: "住民票の写し", ja_easy: "{住民票|じゅうみんひょう}", en: "Certificate of residence (jūminhyō)" },
  CERTIFICATE_KIND_JUMINHYO_KISAI: { ja: "住民票記載事項証明書", ja_easy: "{住民票|じゅうみんひょう}の{内容|ないよう}の{証明書|しょうめいしょ}", en: "Certificate of residence record items" },
  CERTIFICATE_KIND_INKAN: { ja: "印鑑登録証明書", ja_easy: "はんこの{証明書|しょうめいしょ}(印鑑登録証明書)", en: "Seal registration certificate (inkan shōmei)" },
  CERTIFICATE_KIND_SHOTOKU_KAZEI: { ja: "所得課税証明書", ja_easy: "{収入|しゅうにゅう}と{税金|ぜいきん}の{証明書|しょうめいしょ}", en: "Income and tax certificate" },
  CERTIFICATE_KIND_KOSEKI_ZENBU: { ja: "戸籍謄本(全部事項証明書)", ja_easy: "{戸籍|こせき}の{全部|ぜんぶ}(戸籍謄本)", en: "Family register, full copy (koseki tōhon)" },
  CERTIFICATE_KIND_KOSEKI_KOJIN: { ja: "戸籍抄本(個人事項証明書)", ja_easy: "{戸籍|こせき}の ひとり{分|ぶん}(戸籍抄本)", en: "Family register, one person (koseki shōhon)" },
  CERTIFICATE_KIND_KOSEKI_FUHYO: { ja: "戸籍の附票の写し", ja_easy: "{戸籍|こせき}の{附票|ふひょう}(住所の記録)", en: "Family register address record (koseki no fuhyō)" },
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
  question: QUESTIONS,
  // "insurance.kokuho": a choice is known by its question and its value
  choice: Object.fromEntries(Object.entries(CHOICES).flatMap(([question, values]) => Object.entries(values).map(([value, entry]) => [`${question}.${value}`, entry]))),
  procedure: PROCEDURES,
  reason: REASONS,
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
