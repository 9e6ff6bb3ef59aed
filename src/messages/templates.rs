//! The messages to buyers, in English, Azerbaijani, Turkish and Persian, written in the first
//! person: the buyer hears from the seller, by name, with a phone number to call. Plain text
//! with `{placeholders}`; nothing a buyer or seller typed is ever read as markup.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::locale::UiLanguage;

/// What a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    OrderConfirmation,
    Shipped,
    DelayApology,
    OutOfStock,
    WrongAddress,
    ReturnReceived,
    RefundDone,
    /// A few days after delivery: is everything right (1–5), and a review request.
    FollowUp,
    /// A coupon for a listing that shares a maker, category or tag with what the buyer bought.
    PersonalOffer,
    /// Before idle points expire.
    PointsExpiring,
}

impl MessageKind {
    pub const ALL: [MessageKind; 10] = [
        MessageKind::OrderConfirmation,
        MessageKind::Shipped,
        MessageKind::DelayApology,
        MessageKind::OutOfStock,
        MessageKind::WrongAddress,
        MessageKind::ReturnReceived,
        MessageKind::RefundDone,
        MessageKind::FollowUp,
        MessageKind::PersonalOffer,
        MessageKind::PointsExpiring,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::OrderConfirmation => "order_confirmation",
            MessageKind::Shipped => "shipped",
            MessageKind::DelayApology => "delay_apology",
            MessageKind::OutOfStock => "out_of_stock",
            MessageKind::WrongAddress => "wrong_address",
            MessageKind::ReturnReceived => "return_received",
            MessageKind::RefundDone => "refund_done",
            MessageKind::FollowUp => "follow_up",
            MessageKind::PersonalOffer => "personal_offer",
            MessageKind::PointsExpiring => "points_expiring",
        }
    }

    /// Whether the message is about one order (the others are to the buyer as a customer).
    pub fn about_order(self) -> bool {
        !matches!(
            self,
            MessageKind::PersonalOffer | MessageKind::PointsExpiring
        )
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The placeholders a template may use.
pub const PLACEHOLDERS: [&str; 18] = [
    "buyer", "order", "lines", "total", "placed", "ship_by", "carrier", "tracking", "seller",
    "shop", "phone", // the offer:
    "listing", "bought", "discount", "code", "expires", // and the points:
    "points", "worth",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Template {
    pub subject: String,
    pub body: String,
}

/// A message ready to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Rendered {
    pub subject: String,
    pub body: String,
}

/// Replaces each `{name}` with its value; `{{` and `}}` are literal braces. A placeholder with no
/// value is left as written, so a typo in an edited template shows instead of vanishing.
pub fn fill(text: &str, vars: &BTreeMap<&str, String>) -> String {
    fill_line(text, vars).0
}

/// The filled text, and whether a placeholder in it had an empty value.
fn fill_line(text: &str, vars: &BTreeMap<&str, String>) -> (String, bool) {
    let mut out = String::with_capacity(text.len() + 64);
    let mut empty = false;
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        if let Some(end) = tail.find('}').filter(|_| tail.starts_with('{')) {
            let name = &tail[1..end];
            match vars.get(name) {
                Some(v) => {
                    empty |= v.trim().is_empty();
                    out.push_str(v);
                }
                None => out.push_str(&tail[..=end]),
            }
            rest = &tail[end + 1..];
        } else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    (out, empty)
}

/// Fills a template. A body line whose placeholder has nothing to say (no ship-by date, no
/// phone in the profile) is left out whole, rather than sent as "It leaves by: ".
pub fn render(t: &Template, vars: &BTreeMap<&str, String>) -> Rendered {
    let mut body = String::with_capacity(t.body.len() + 256);
    for line in t.body.split('\n') {
        let (filled, empty) = fill_line(line, vars);
        if !empty {
            body.push_str(&filled);
            body.push('\n');
        }
    }
    body.pop();
    // A left-out line must not leave two blank lines behind it.
    while body.contains("\n\n\n") {
        body = body.replace("\n\n\n", "\n\n");
    }
    Rendered {
        // A subject is one line whatever a value holds.
        subject: fill(&t.subject, vars).replace(['\r', '\n'], " "),
        body,
    }
}

/// The template shipped with the app for `kind` in `language`.
pub fn default_template(kind: MessageKind, language: UiLanguage) -> Template {
    let (subject, body) = match language {
        UiLanguage::En => en(kind),
        UiLanguage::Az => az(kind),
        UiLanguage::Tr => tr(kind),
        UiLanguage::Fa => fa(kind),
    };
    Template {
        subject: subject.to_owned(),
        body: body.to_owned(),
    }
}

fn en(kind: MessageKind) -> (&'static str, &'static str) {
    use MessageKind as K;
    match kind {
        K::OrderConfirmation => (
            "Your order {order} is confirmed",
            "Hello {buyer},\n\nThank you for your order at {shop}. I have confirmed it and I am preparing it now.\n\n{lines}\nTotal: {total}\nIt leaves by: {ship_by}\n\nIf you have a question, call or write to me at {phone}.\n\n{seller}\n{shop}",
        ),
        K::Shipped => (
            "Your order {order} is on its way",
            "Hello {buyer},\n\nYour order has left today with {carrier}. Tracking number: {tracking}\n\n{lines}\nIf anything arrives other than you expect, call me at {phone} and I will put it right.\n\n{seller}\n{shop}",
        ),
        K::DelayApology => (
            "Your order {order} will be late — I am sorry",
            "Hello {buyer},\n\nI am sorry: your order will leave later than I promised. This is my responsibility, and I wanted you to hear it from me before you had to ask.\n\n{lines}\nI will write again as soon as it is on its way. If you would rather cancel, tell me and I will refund you in full.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::OutOfStock => (
            "About your order {order}: an item is out of stock",
            "Hello {buyer},\n\nI am sorry: I do not have enough of an item you ordered.\n\n{lines}\nYou can choose what suits you best:\n1. Wait: I will send it as soon as it is back in stock.\n2. A substitute: I can suggest a similar item.\n3. A refund: I will return your money in full at once.\n\nReply to this message or call me at {phone}.\n\n{seller}\n{shop}",
        ),
        K::WrongAddress => (
            "Please check the address for your order {order}",
            "Hello {buyer},\n\nBefore I send your order, I want to be sure it reaches you: the delivery address seems incomplete or incorrect. Could you reply with the full address?\n\n{lines}\nThank you — I will send it as soon as I hear from you.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::ReturnReceived => (
            "I have received your return for order {order}",
            "Hello {buyer},\n\nYour return has arrived safely. Thank you for sending it back.\n\n{lines}\nI will let you know as soon as the refund or exchange is done.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::RefundDone => (
            "Your refund for order {order} is done",
            "Hello {buyer},\n\nI have refunded {total} for your order. Depending on your bank it may take a few days to appear.\n\nThank you for your patience, and I hope to serve you again.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::FollowUp => (
            "How is your order {order}?",
            "Hello {buyer},\n\nYour order should have reached you a few days ago, and I would like to know that everything is as you expected.\n\n{lines}\nCould you answer with a number from 1 (not happy at all) to 5 (very happy), and a few words on what I could do better? If anything is wrong, I will put it right.\n\nIf you are happy, a review on the marketplace helps a small shop like mine more than anything.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::PersonalOffer => (
            "A little something for you from {shop}",
            "Hello {buyer},\n\nYou bought {bought} from me, and I thought you might like {listing} too.\n\nAs a thank-you for coming back, here is {discount} off it with this code: {code}\nThe code is yours alone, for one order until {expires}.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::PointsExpiring => (
            "Your {points} points at {shop} expire on {expires}",
            "Hello {buyer},\n\nYou have {points} points with me. As nothing has happened on your account for a while, they expire on {expires}.\nThat is worth {worth} off an order.\n\nAn order before then keeps them, and if you like I can turn them into a coupon for you.\n\n{seller}\n{shop}\n{phone}",
        ),
    }
}

fn az(kind: MessageKind) -> (&'static str, &'static str) {
    use MessageKind as K;
    match kind {
        K::OrderConfirmation => (
            "{order} nömrəli sifarişiniz təsdiqləndi",
            "Salam, {buyer}!\n\n{shop} mağazasından sifarişiniz üçün təşəkkür edirəm. Sifarişinizi təsdiqlədim və artıq hazırlayıram.\n\n{lines}\nCəmi: {total}\nYola düşəcəyi tarix: {ship_by}\n\nSualınız olsa, {phone} nömrəsi ilə mənə zəng edin və ya yazın.\n\n{seller}\n{shop}",
        ),
        K::Shipped => (
            "{order} nömrəli sifarişiniz yoldadır",
            "Salam, {buyer}!\n\nSifarişiniz bu gün {carrier} ilə yola düşdü. İzləmə nömrəsi: {tracking}\n\n{lines}\nGözlədiyinizdən fərqli bir şey gəlsə, {phone} nömrəsi ilə mənə zəng edin, düzəldəcəyəm.\n\n{seller}\n{shop}",
        ),
        K::DelayApology => (
            "{order} nömrəli sifarişiniz gecikəcək — üzr istəyirəm",
            "Salam, {buyer}!\n\nÜzr istəyirəm: sifarişiniz söz verdiyimdən gec yola düşəcək. Bu mənim məsuliyyətimdir və soruşmağa ehtiyac qalmadan bunu məndən eşitməyinizi istədim.\n\n{lines}\nYola düşən kimi yenidən yazacağam. Ləğv etmək istəsəniz, deyin, pulunuzu tam qaytaracağam.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::OutOfStock => (
            "{order} nömrəli sifarişiniz haqqında: bir məhsul stokda yoxdur",
            "Salam, {buyer}!\n\nÜzr istəyirəm: sifariş etdiyiniz məhsullardan biri kifayət qədər stokda yoxdur.\n\n{lines}\nSizə uyğun olanı seçə bilərsiniz:\n1. Gözləmək: stoka gələn kimi göndərəcəyəm.\n2. Əvəzedici: oxşar bir məhsul təklif edə bilərəm.\n3. Geri ödəniş: pulunuzu dərhal tam qaytaracağam.\n\nBu mesaja cavab verin və ya {phone} nömrəsi ilə zəng edin.\n\n{seller}\n{shop}",
        ),
        K::WrongAddress => (
            "{order} nömrəli sifariş üçün ünvanı yoxlayın, xahiş edirəm",
            "Salam, {buyer}!\n\nSifarişinizi göndərməzdən əvvəl onun sizə çatdığına əmin olmaq istəyirəm: çatdırılma ünvanı natamam və ya səhv görünür. Tam ünvanı yaza bilərsinizmi?\n\n{lines}\nTəşəkkür edirəm — cavabınızı alan kimi göndərəcəyəm.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::ReturnReceived => (
            "{order} nömrəli sifariş üzrə qaytarışınızı aldım",
            "Salam, {buyer}!\n\nQaytardığınız məhsul salamat çatdı. Geri göndərdiyiniz üçün təşəkkür edirəm.\n\n{lines}\nGeri ödəniş və ya dəyişmə başa çatan kimi sizə xəbər verəcəyəm.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::RefundDone => (
            "{order} nömrəli sifariş üzrə geri ödəniş edildi",
            "Salam, {buyer}!\n\nSifarişiniz üçün {total} geri ödədim. Bankınızdan asılı olaraq hesabınızda görünməsi bir neçə gün çəkə bilər.\n\nSəbriniz üçün təşəkkür edirəm, yenidən xidmət göstərməyə ümid edirəm.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::FollowUp => (
            "{order} nömrəli sifarişiniz necədir?",
            "Salam, {buyer}!\n\nSifarişiniz bir neçə gün əvvəl sizə çatmalı idi və hər şeyin gözlədiyiniz kimi olduğunu bilmək istəyirəm.\n\n{lines}\n1-dən (heç razı deyiləm) 5-ə (çox razıyam) qədər bir rəqəmlə və nəyi daha yaxşı edə biləcəyim barədə bir neçə sözlə cavab verə bilərsinizmi? Bir problem varsa, düzəldəcəyəm.\n\nRazı qalmısınızsa, marketplace-də yazacağınız rəy mənim kimi kiçik bir mağazaya hər şeydən çox kömək edir.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::PersonalOffer => (
            "{shop} mağazasından sizə kiçik bir hədiyyə",
            "Salam, {buyer}!\n\nMəndən {bought} almışdınız və düşündüm ki, {listing} da xoşunuza gələ bilər.\n\nYenidən gəldiyiniz üçün təşəkkür olaraq bu kodla ona {discount} endirim: {code}\nKod yalnız sizindir və {expires} tarixinədək bir sifarişdə istifadə oluna bilər.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::PointsExpiring => (
            "{shop} mağazasındakı {points} xalınızın müddəti {expires} tarixində bitir",
            "Salam, {buyer}!\n\nMəndə {points} xalınız var. Hesabınızda bir müddətdir heç bir hərəkət olmadığı üçün onların müddəti {expires} tarixində bitəcək.\nBu, bir sifarişdə {worth} endirim deməkdir.\n\nO vaxtadək edəcəyiniz sifariş xallarınızı saxlayır; istəsəniz, onları sizin üçün kupona da çevirə bilərəm.\n\n{seller}\n{shop}\n{phone}",
        ),
    }
}

fn tr(kind: MessageKind) -> (&'static str, &'static str) {
    use MessageKind as K;
    match kind {
        K::OrderConfirmation => (
            "{order} numaralı siparişiniz onaylandı",
            "Merhaba {buyer},\n\n{shop} mağazasından verdiğiniz sipariş için teşekkür ederim. Siparişinizi onayladım ve şimdi hazırlıyorum.\n\n{lines}\nToplam: {total}\nEn geç kargoya veriliş: {ship_by}\n\nBir sorunuz olursa {phone} numarasından beni arayın ya da yazın.\n\n{seller}\n{shop}",
        ),
        K::Shipped => (
            "{order} numaralı siparişiniz yolda",
            "Merhaba {buyer},\n\nSiparişiniz bugün {carrier} ile yola çıktı. Takip numarası: {tracking}\n\n{lines}\nBeklediğinizden farklı bir şey gelirse {phone} numarasından beni arayın, hemen düzelteyim.\n\n{seller}\n{shop}",
        ),
        K::DelayApology => (
            "{order} numaralı siparişiniz gecikecek — özür dilerim",
            "Merhaba {buyer},\n\nÖzür dilerim: siparişiniz söz verdiğimden daha geç yola çıkacak. Bu benim sorumluluğum; siz sormadan benden duymanızı istedim.\n\n{lines}\nYola çıkar çıkmaz tekrar yazacağım. İptal etmek isterseniz söyleyin, ücretin tamamını iade edeyim.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::OutOfStock => (
            "{order} numaralı siparişiniz hakkında: bir ürün stokta yok",
            "Merhaba {buyer},\n\nÖzür dilerim: sipariş ettiğiniz ürünlerden biri stokta yeterince yok.\n\n{lines}\nSize en uygun olanı seçebilirsiniz:\n1. Beklemek: stoğa girer girmez göndereceğim.\n2. Benzer bir ürün: size bir alternatif önerebilirim.\n3. İade: ücretin tamamını hemen geri öderim.\n\nBu mesajı yanıtlayın ya da {phone} numarasından beni arayın.\n\n{seller}\n{shop}",
        ),
        K::WrongAddress => (
            "{order} numaralı siparişin adresini kontrol eder misiniz?",
            "Merhaba {buyer},\n\nSiparişinizi göndermeden önce size ulaşacağından emin olmak istiyorum: teslimat adresi eksik ya da hatalı görünüyor. Tam adresi yazabilir misiniz?\n\n{lines}\nTeşekkür ederim — yanıtınızı alır almaz göndereceğim.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::ReturnReceived => (
            "{order} numaralı siparişin iadesini aldım",
            "Merhaba {buyer},\n\nİade ettiğiniz ürün sağlam ulaştı. Geri gönderdiğiniz için teşekkür ederim.\n\n{lines}\nİade ya da değişim tamamlanır tamamlanmaz size haber vereceğim.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::RefundDone => (
            "{order} numaralı siparişin iadesi yapıldı",
            "Merhaba {buyer},\n\nSiparişiniz için {total} iade ettim. Bankanıza bağlı olarak hesabınızda görünmesi birkaç gün sürebilir.\n\nSabrınız için teşekkür ederim; size yeniden hizmet etmeyi umuyorum.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::FollowUp => (
            "{order} numaralı siparişiniz nasıl?",
            "Merhaba {buyer},\n\nSiparişiniz birkaç gün önce size ulaşmış olmalı; her şeyin beklediğiniz gibi olduğunu bilmek isterim.\n\n{lines}\n1 (hiç memnun değilim) ile 5 (çok memnunum) arasında bir sayıyla ve neyi daha iyi yapabileceğime dair birkaç kelimeyle yanıt verebilir misiniz? Bir sorun varsa hemen düzelteyim.\n\nMemnun kaldıysanız, pazaryerinde bırakacağınız bir yorum benim gibi küçük bir dükkâna her şeyden çok yardımcı olur.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::PersonalOffer => (
            "{shop} mağazasından size küçük bir jest",
            "Merhaba {buyer},\n\nBenden {bought} almıştınız; {listing} da hoşunuza gidebilir diye düşündüm.\n\nTekrar geldiğiniz için teşekkür olarak bu kodla {discount} indirim: {code}\nKod yalnızca size özeldir ve {expires} tarihine kadar bir siparişte kullanılabilir.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::PointsExpiring => (
            "{shop} mağazasındaki {points} puanınızın süresi {expires} tarihinde doluyor",
            "Merhaba {buyer},\n\nBende {points} puanınız var. Hesabınızda bir süredir hareket olmadığı için süreleri {expires} tarihinde dolacak.\nBu, bir siparişte {worth} indirim demek.\n\nO tarihe kadar vereceğiniz bir sipariş puanlarınızı korur; isterseniz onları sizin için bir kupona da çevirebilirim.\n\n{seller}\n{shop}\n{phone}",
        ),
    }
}

fn fa(kind: MessageKind) -> (&'static str, &'static str) {
    use MessageKind as K;
    match kind {
        K::OrderConfirmation => (
            "سفارش {order} شما تأیید شد",
            "سلام {buyer}،\n\nاز سفارش شما از {shop} سپاسگزارم. سفارش را تأیید کردم و هم‌اکنون در حال آماده‌سازی آن هستم.\n\n{lines}\nجمع کل: {total}\nارسال تا: {ship_by}\n\nاگر پرسشی دارید، با شماره {phone} با من تماس بگیرید یا پیام دهید.\n\n{seller}\n{shop}",
        ),
        K::Shipped => (
            "سفارش {order} شما در راه است",
            "سلام {buyer}،\n\nسفارش شما امروز با {carrier} ارسال شد. کد رهگیری: {tracking}\n\n{lines}\nاگر چیزی جز آنچه انتظار دارید به دستتان رسید، با شماره {phone} با من تماس بگیرید تا درستش کنم.\n\n{seller}\n{shop}",
        ),
        K::DelayApology => (
            "سفارش {order} شما با تأخیر ارسال می‌شود — پوزش می‌خواهم",
            "سلام {buyer}،\n\nپوزش می‌خواهم: سفارش شما دیرتر از زمانی که قول داده بودم ارسال می‌شود. این مسئولیت من است و خواستم پیش از آنکه بپرسید، از خودم بشنوید.\n\n{lines}\nبه محض ارسال دوباره برایتان می‌نویسم. اگر ترجیح می‌دهید سفارش را لغو کنید، بگویید تا کل مبلغ را بازگردانم.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::OutOfStock => (
            "درباره سفارش {order}: یکی از کالاها موجود نیست",
            "سلام {buyer}،\n\nپوزش می‌خواهم: از یکی از کالاهایی که سفارش داده‌اید به اندازه کافی موجودی ندارم.\n\n{lines}\nهر کدام را که برایتان مناسب‌تر است انتخاب کنید:\n۱. صبر: به محض موجود شدن ارسال می‌کنم.\n۲. جایگزین: می‌توانم کالای مشابهی پیشنهاد کنم.\n۳. بازپرداخت: کل مبلغ را فوراً بازمی‌گردانم.\n\nبه این پیام پاسخ دهید یا با شماره {phone} تماس بگیرید.\n\n{seller}\n{shop}",
        ),
        K::WrongAddress => (
            "لطفاً نشانی سفارش {order} را بررسی کنید",
            "سلام {buyer}،\n\nپیش از ارسال می‌خواهم مطمئن شوم سفارش به دستتان می‌رسد: نشانی تحویل ناقص یا نادرست به نظر می‌رسد. لطفاً نشانی کامل را بفرستید.\n\n{lines}\nسپاسگزارم — به محض دریافت پاسخ شما ارسال می‌کنم.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::ReturnReceived => (
            "کالای مرجوعی سفارش {order} را دریافت کردم",
            "سلام {buyer}،\n\nکالای مرجوعی شما سالم به دستم رسید. از اینکه آن را بازگرداندید سپاسگزارم.\n\n{lines}\nبه محض انجام بازپرداخت یا تعویض به شما خبر می‌دهم.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::RefundDone => (
            "بازپرداخت سفارش {order} انجام شد",
            "سلام {buyer}،\n\nمبلغ {total} را برای سفارش شما بازپرداخت کردم. بسته به بانک شما، ممکن است چند روز طول بکشد تا در حسابتان دیده شود.\n\nاز صبر شما سپاسگزارم و امیدوارم دوباره در خدمتتان باشم.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::FollowUp => (
            "سفارش {order} شما چطور بود؟",
            "سلام {buyer}،\n\nسفارش شما باید چند روز پیش به دستتان رسیده باشد و می‌خواهم مطمئن شوم همه چیز همان‌طور است که انتظار داشتید.\n\n{lines}\nلطفاً با عددی از ۱ (اصلاً راضی نیستم) تا ۵ (بسیار راضی‌ام) و چند کلمه درباره‌ی آنچه می‌توانم بهتر انجام دهم پاسخ دهید. اگر مشکلی هست، درستش می‌کنم.\n\nاگر راضی هستید، نوشتن نظر در بازارچه بیش از هر چیز به فروشگاه کوچکی مثل من کمک می‌کند.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::PersonalOffer => (
            "هدیه‌ای کوچک از {shop} برای شما",
            "سلام {buyer}،\n\nشما {bought} را از من خریده بودید و فکر کردم {listing} هم ممکن است برایتان جالب باشد.\n\nبه پاس بازگشت شما، با این کد {discount} تخفیف می‌گیرید: {code}\nاین کد فقط برای شماست و تا {expires} برای یک سفارش قابل استفاده است.\n\n{seller}\n{shop}\n{phone}",
        ),
        K::PointsExpiring => (
            "{points} امتیاز شما در {shop} در تاریخ {expires} منقضی می‌شود",
            "سلام {buyer}،\n\nشما {points} امتیاز نزد من دارید. چون مدتی است حساب شما فعالیتی نداشته، این امتیازها در تاریخ {expires} منقضی می‌شوند.\nارزش آن‌ها {worth} تخفیف در یک سفارش است.\n\nهر سفارشی تا آن تاریخ امتیازهایتان را حفظ می‌کند و اگر بخواهید، می‌توانم آن‌ها را برایتان به کد تخفیف تبدیل کنم.\n\n{seller}\n{shop}\n{phone}",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> BTreeMap<&'static str, String> {
        PLACEHOLDERS
            .iter()
            .map(|&p| (p, format!("<{p}>")))
            .collect()
    }

    #[test]
    fn every_template_in_every_language_uses_only_known_placeholders() {
        for kind in MessageKind::ALL {
            for lang in UiLanguage::ALL {
                let t = default_template(kind, lang);
                let r = render(&t, &vars());
                for text in [&r.subject, &r.body] {
                    assert!(
                        !text.contains('{') && !text.contains('}'),
                        "{kind:?} {lang:?} has an unknown placeholder: {text}"
                    );
                }
                assert!(
                    r.body.contains("<buyer>"),
                    "{kind:?} {lang:?} greets the buyer"
                );
                assert!(r.body.contains("<seller>"), "{kind:?} {lang:?} is signed");
                if kind.about_order() {
                    assert!(
                        r.subject.contains("<order>"),
                        "{kind:?} {lang:?} names the order"
                    );
                }
            }
        }
    }

    #[test]
    fn messages_to_a_customer_carry_what_they_are_about() {
        for lang in UiLanguage::ALL {
            let offer = render(&default_template(MessageKind::PersonalOffer, lang), &vars());
            for p in ["<listing>", "<bought>", "<discount>", "<code>", "<expires>"] {
                assert!(offer.body.contains(p), "{lang:?} offer lacks {p}");
            }
            let warn = render(
                &default_template(MessageKind::PointsExpiring, lang),
                &vars(),
            );
            assert!(warn.subject.contains("<points>") && warn.subject.contains("<expires>"));
            assert!(warn.body.contains("<worth>"), "{lang:?}");
            let mut v = vars();
            v.insert("worth", String::new());
            let warn = render(&default_template(MessageKind::PointsExpiring, lang), &v);
            assert!(
                warn.body.contains("<expires>") && !warn.body.contains("<worth>"),
                "{lang:?}: a balance worth less than a unit drops only that line"
            );
        }
    }

    #[test]
    fn a_line_with_nothing_to_say_is_left_out() {
        let mut v = vars();
        v.insert("ship_by", String::new());
        let r = render(
            &default_template(MessageKind::OrderConfirmation, UiLanguage::En),
            &v,
        );
        assert!(!r.body.contains("leaves by"), "{}", r.body);
        assert!(r.body.contains("Total: <total>\n\nIf you have a question"));
    }

    #[test]
    fn filling_is_plain_text_substitution() {
        let mut v = BTreeMap::new();
        v.insert("buyer", "<b>Rəna</b> {order}".to_owned());
        v.insert("order", "#12".to_owned());
        assert_eq!(
            fill("Hi {buyer}, {{literal}} {order} {missing} {", &v),
            "Hi <b>Rəna</b> {order}, {literal} #12 {missing} {",
            "values are not filled again, unknown names stay, braces escape"
        );
        let t = Template {
            subject: "Order {order}".into(),
            body: String::new(),
        };
        v.insert("order", "12\r\nBcc: x@example.com".to_owned());
        assert_eq!(
            render(&t, &v).subject,
            "Order 12  Bcc: x@example.com",
            "no header injection"
        );
    }
}
