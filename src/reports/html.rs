//! The weekly review as one printable HTML page in the seller's language: every figure beside
//! the week before's and the change, and bars for problems, complaints and praise. Every value
//! is escaped; the page loads nothing.

use std::fmt::Write;

use super::{KeyCount, Rate, WeekFigures, WeeklyReview};
use crate::html::escape as esc;
use crate::locale::UiLanguage;
use crate::money::format_minor;

/// The page's words: [title, figure, this week, previous week, change, then each row's label].
fn words(lang: UiLanguage) -> [&'static str; 27] {
    match lang {
        UiLanguage::En => [
            "Weekly review",
            "Figure",
            "This week",
            "Week before",
            "Change",
            "Orders",
            "Revenue",
            "Time to confirm, median (min)",
            "Time to confirm, 90th percentile (min)",
            "Dispatched on time",
            "Inspection right first time",
            "Inspection overrides",
            "Problems",
            "Complaints",
            "Complaints settled",
            "Time to settle, median (h)",
            "Satisfaction (1–5)",
            "Follow-up answers",
            "Buyers",
            "New buyers",
            "Returning buyers",
            "Repeat buyers",
            "Points issued",
            "Points redeemed",
            "Points expired",
            "Coupons used",
            "Catalog completeness",
        ],
        UiLanguage::Az => [
            "Həftəlik baxış",
            "Göstərici",
            "Bu həftə",
            "Əvvəlki həftə",
            "Dəyişiklik",
            "Sifarişlər",
            "Gəlir",
            "Təsdiq vaxtı, median (dəq)",
            "Təsdiq vaxtı, 90-cı faiz (dəq)",
            "Vaxtında göndərilən",
            "Yoxlamadan ilk dəfədən keçən",
            "Yoxlamasız buraxılan",
            "Problemlər",
            "Şikayətlər",
            "Həll olunan şikayətlər",
            "Həll vaxtı, median (saat)",
            "Məmnunluq (1–5)",
            "Maraqlanmaya cavablar",
            "Alıcılar",
            "Yeni alıcılar",
            "Qayıdan alıcılar",
            "Təkrar alanlar",
            "Verilən xallar",
            "Xərclənən xallar",
            "Vaxtı keçən xallar",
            "İşlənən kuponlar",
            "Kataloqun tamlığı",
        ],
        UiLanguage::Tr => [
            "Haftalık değerlendirme",
            "Gösterge",
            "Bu hafta",
            "Önceki hafta",
            "Değişim",
            "Siparişler",
            "Ciro",
            "Onay süresi, medyan (dk)",
            "Onay süresi, 90. yüzdelik (dk)",
            "Zamanında kargolanan",
            "Kontrolden ilk seferde geçen",
            "Kontrolsüz geçirilen",
            "Sorunlar",
            "Şikâyetler",
            "Çözülen şikâyetler",
            "Çözüm süresi, medyan (sa)",
            "Memnuniyet (1–5)",
            "Hal hatır yanıtları",
            "Alıcılar",
            "Yeni alıcılar",
            "Geri gelen alıcılar",
            "Tekrar alanlar",
            "Verilen puanlar",
            "Kullanılan puanlar",
            "Süresi dolan puanlar",
            "Kullanılan kuponlar",
            "Katalog doluluğu",
        ],
        UiLanguage::Fa => [
            "مرور هفتگی",
            "شاخص",
            "این هفته",
            "هفته‌ی قبل",
            "تغییر",
            "سفارش‌ها",
            "درآمد",
            "زمان تأیید، میانه (دقیقه)",
            "زمان تأیید، صدک ۹۰ (دقیقه)",
            "ارسال به‌موقع",
            "بازرسی موفق در بار اول",
            "عبور بدون بازرسی",
            "مشکلات",
            "شکایت‌ها",
            "شکایت‌های رسیدگی‌شده",
            "زمان رسیدگی، میانه (ساعت)",
            "رضایت (۱ تا ۵)",
            "پاسخ‌های پیگیری",
            "خریداران",
            "خریداران تازه",
            "خریداران بازگشته",
            "خریداران تکراری",
            "امتیاز داده‌شده",
            "امتیاز خرج‌شده",
            "امتیاز منقضی‌شده",
            "کوپن‌های استفاده‌شده",
            "کامل بودن کاتالوگ",
        ],
    }
}

fn rate(r: &Rate) -> String {
    match r.percent {
        Some(p) => format!("{p:.0} % ({}/{})", r.part, r.whole),
        None => "—".into(),
    }
}

fn num(v: Option<f64>, digits: usize) -> String {
    v.map_or("—".into(), |v| format!("{v:.digits$}"))
}

fn change(now: Option<f64>, before: Option<f64>) -> String {
    match (now, before) {
        (Some(a), Some(b)) => {
            let d = a - b;
            if d.abs() < 0.05 {
                "=".into()
            } else if d > 0.0 {
                format!("▲ {:.1}", d)
            } else {
                format!("▼ {:.1}", -d)
            }
        }
        _ => String::new(),
    }
}

/// A row: its label, each week's text, and each week's value for the change.
type Row = (String, String, String, Option<f64>, Option<f64>);

/// One line of the review's table, as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    pub label: String,
    pub this_week: String,
    pub previous_week: String,
    pub change: String,
}

/// The review's table in `lang`: each figure, this week, the week before, and the change.
pub fn table(r: &WeeklyReview, lang: UiLanguage) -> Vec<TableRow> {
    rows(&words(lang), &r.this_week, &r.previous_week, &r.currency)
        .into_iter()
        .map(|(label, this_week, previous_week, a, b)| TableRow {
            label,
            this_week,
            previous_week,
            change: change(a, b),
        })
        .collect()
}

fn rows(w: &[&'static str; 27], a: &WeekFigures, b: &WeekFigures, currency: &str) -> Vec<Row> {
    let n = |v: u32| Some(f64::from(v));
    let money = |m: i64| format!("{} {currency}", format_minor(m, currency));
    let pts = |v: i64| Some(v as f64);
    let row = |label: &str, f: &dyn Fn(&WeekFigures) -> (String, Option<f64>)| {
        let (ta, va) = f(a);
        let (tb, vb) = f(b);
        (label.to_owned(), ta, tb, va, vb)
    };
    vec![
        row(w[5], &|x| (x.orders.to_string(), n(x.orders))),
        row(w[6], &|x| {
            (money(x.revenue_minor), Some(x.revenue_minor as f64))
        }),
        row(w[7], &|x| {
            let v = x.confirm_minutes_p50.map(f64::from);
            (num(v, 0), v)
        }),
        row(w[8], &|x| {
            let v = x.confirm_minutes_p90.map(f64::from);
            (num(v, 0), v)
        }),
        row(w[9], &|x| {
            (rate(&x.dispatch_on_time), x.dispatch_on_time.percent)
        }),
        row(w[10], &|x| {
            (
                rate(&x.inspection_first_pass),
                x.inspection_first_pass.percent,
            )
        }),
        row(w[11], &|x| {
            (
                x.inspection_overrides.to_string(),
                n(x.inspection_overrides),
            )
        }),
        row(w[12], &|x| {
            let t: u32 = x.problems.iter().map(|k| k.count).sum();
            (t.to_string(), n(t))
        }),
        row(w[13], &|x| {
            (x.complaints_total.to_string(), n(x.complaints_total))
        }),
        row(w[14], &|x| {
            (x.complaints_resolved.to_string(), n(x.complaints_resolved))
        }),
        row(w[15], &|x| {
            (num(x.resolve_hours_median, 1), x.resolve_hours_median)
        }),
        row(w[16], &|x| {
            (num(x.satisfaction_average, 2), x.satisfaction_average)
        }),
        row(w[17], &|x| {
            (rate(&x.follow_up_response), x.follow_up_response.percent)
        }),
        row(w[18], &|x| (x.buyers.to_string(), n(x.buyers))),
        row(w[19], &|x| (x.new_buyers.to_string(), n(x.new_buyers))),
        row(w[20], &|x| {
            (x.returning_buyers.to_string(), n(x.returning_buyers))
        }),
        row(w[21], &|x| {
            (rate(&x.repeat_buyers), x.repeat_buyers.percent)
        }),
        row(w[22], &|x| {
            (x.points_issued.to_string(), pts(x.points_issued))
        }),
        row(w[23], &|x| {
            (x.points_redeemed.to_string(), pts(x.points_redeemed))
        }),
        row(w[24], &|x| {
            (x.points_expired.to_string(), pts(x.points_expired))
        }),
        row(w[25], &|x| (x.coupons_used.to_string(), n(x.coupons_used))),
        row(w[26], &|x| (num(x.catalog_average, 1), x.catalog_average)),
    ]
}

fn bars(out: &mut String, title: &str, items: &[KeyCount]) {
    if items.is_empty() {
        return;
    }
    let max = items.iter().map(|k| k.count).max().unwrap_or(1).max(1);
    let _ = write!(out, "<h2>{}</h2><table class=\"bars\">", esc(title));
    for k in items {
        let _ = write!(
            out,
            "<tr><th><bdi>{}</bdi></th><td><span style=\"width:{}%\"></span>{}</td></tr>",
            esc(&k.key.replace('_', " ")),
            k.count * 100 / max,
            k.count
        );
    }
    out.push_str("</table>");
}

/// The page for `r`, titled with the shop's name, in `lang`.
pub fn page(r: &WeeklyReview, shop: &str, lang: UiLanguage) -> String {
    let w = words(lang);
    let dir = if lang == UiLanguage::Fa { "rtl" } else { "ltr" };
    let a = &r.this_week;
    let b = &r.previous_week;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"{}\" dir=\"{dir}\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <title>{} {}</title><style>\
         body{{font-family:system-ui,sans-serif;margin:2em;color:#222}}\
         table{{border-collapse:collapse;width:100%;margin-bottom:1.5em}}\
         th,td{{text-align:start;padding:.3em .6em;border-bottom:1px solid #ddd}}\
         td.n{{text-align:end;font-variant-numeric:tabular-nums}}\
         .bars span{{display:inline-block;height:.8em;background:#0f766e;margin-inline-end:.5em}}\
         .bars td{{width:70%}}\
         @media print{{body{{margin:0}}}}\
         </style></head><body>",
        lang.code(),
        esc(w[0]),
        esc(&r.week),
    );
    // The days as the shop lived them: the week's bounds are its midnights.
    let zone: chrono_tz::Tz = r.time_zone.parse().unwrap_or(chrono_tz::Tz::UTC);
    let _ = write!(
        out,
        "<h1>{} — <bdi>{}</bdi></h1><p>{} · {} – {} ({})</p>",
        esc(w[0]),
        esc(shop),
        esc(&r.week),
        a.from.with_timezone(&zone).format("%Y-%m-%d"),
        (a.to.with_timezone(&zone) - chrono::Duration::days(1)).format("%Y-%m-%d"),
        esc(zone.name()),
    );
    let _ = write!(
        out,
        "<table><thead><tr><th>{}</th><th>{} ({})</th><th>{} ({})</th><th>{}</th></tr></thead><tbody>",
        esc(w[1]),
        esc(w[2]),
        esc(&a.week),
        esc(w[3]),
        esc(&b.week),
        esc(w[4])
    );
    for row in table(r, lang) {
        let _ = write!(
            out,
            "<tr><th>{}</th><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&row.label),
            esc(&row.this_week),
            esc(&row.previous_week),
            esc(&row.change)
        );
    }
    out.push_str("</tbody></table>");
    bars(&mut out, w[12], &a.problems);
    bars(&mut out, w[13], &a.complaints);
    let praise_title = match lang {
        UiLanguage::En => "Praise by team member",
        UiLanguage::Az => "Əməkdaşlara təşəkkürlər",
        UiLanguage::Tr => "Çalışanlara teşekkürler",
        UiLanguage::Fa => "قدردانی از همکاران",
    };
    bars(&mut out, praise_title, &a.praise);
    out.push_str("</body></html>");
    out
}
