//! Pre-dispatch inspection on a real store: the gate before "ready to ship", scans and answers
//! by a named packer, failures that open the order's problem (with the buyer's message and a
//! write-off), overrides with their reason, and the seller's own checklists.

use crate::common;

use base64::Engine;
use common::{TestStore, scalar};
use vefa::catalog::listings::{ListingInput, Pair, Variant};
use vefa::inspection::scan::ScanOutcome;
use vefa::inspection::{
    Answer, Damaged, InspectionError, InspectionOp, Outcome, Step, StepKind, StepState,
};
use vefa::messages::MessageKind;
use vefa::orders::{Act, EventKind, NewOrder, OrderChannel, OrderStatus, ProblemKind};
use vefa::shop::profile::PhotoUpload;
use vefa::{Error, Inspected, Vefa};

async fn listing(v: &Vefa, family: &str, variants: &[(&str, &str, i64)]) -> i32 {
    let mut l = ListingInput::draft("Mis cezvə — قهوه‌جوش", "AZN");
    l.family = family.into();
    l.price.minor = 2_500;
    l.variants = variants
        .iter()
        .map(|(sku, barcode, quantity)| Variant {
            sku: (*sku).into(),
            barcode: (*barcode).into(),
            quantity: *quantity,
            options: vec![Pair {
                name: "size".into(),
                value: (*sku).into(),
            }],
            ..Default::default()
        })
        .collect();
    v.create_listing(&l).await.expect("listing").id
}

/// A confirmed phone order for `lines` (SKU, quantity), with the buyer's e-mail.
async fn confirmed(v: &Vefa, lines: &[(&str, u32)]) -> i32 {
    let mut o = NewOrder::new(OrderChannel::Phone, "Leyla Məmmədova", "AZN");
    for (sku, q) in lines {
        o = o.with_sku(sku, *q);
    }
    o.buyer.email = Some("leyla@example.az".into());
    let id = v.add_order(&o).await.unwrap().id;
    v.act_on_order(id, &Act::Confirm).await.unwrap();
    id
}

async fn op(v: &Vefa, id: i32, op: InspectionOp, packer: Option<&str>) -> Result<Inspected, Error> {
    v.inspect(id, &op, packer, None).await
}

fn scan(code: &str) -> InspectionOp {
    InspectionOp::Scan { code: code.into() }
}

fn yes(key: &str) -> InspectionOp {
    InspectionOp::Answer {
        key: key.into(),
        answer: Answer::Yes,
    }
}

const REQUIRED_CHECKS: [&str; 4] = [
    "not_damaged",
    "accessories_included",
    "packaging_fits",
    "label_matches",
];

async fn on_hand(v: &Vefa, listing: i32, sku: &str) -> i64 {
    v.listing(listing)
        .await
        .unwrap()
        .input
        .variants
        .iter()
        .find(|x| x.sku == sku)
        .unwrap()
        .quantity
}

async fn a_parcel_passes_only_when_every_item_is_scanned_and_checked(store: TestStore) {
    let v = store.open().await;
    v.save_team(&["Aysel".into(), "Murad".into()])
        .await
        .unwrap();
    let cezve = listing(&v, "default", &[("CEZVE-S", "8690000000017", 5)]).await;
    let _kilim = listing(&v, "default", &[("KILIM-M", "", 3)]).await;
    let id = confirmed(&v, &[("CEZVE-S", 2), ("KILIM-M", 1)]).await;

    // The gate: not ready before the inspection passes.
    let err = v.act_on_order(id, &Act::MarkReady).await.unwrap_err();
    assert!(
        matches!(err, Error::Inspection(InspectionError::Required { order }) if order == id),
        "{err:?}"
    );
    assert_eq!(err.view().code, "inspection_required");
    assert_eq!(v.order(id).await.unwrap().status, OrderStatus::Confirmed);

    // Before anything is scanned: the checklist it will follow, no run yet.
    let before = v.inspection(id).await.unwrap();
    assert_eq!(before.run_id, None);
    assert_eq!(before.outcome, Outcome::Open);
    assert_eq!(before.family, "default");
    assert_eq!(before.steps[0].step.kind, StepKind::Scan);

    // Only someone on the team packs.
    let err = op(&v, id, scan("CEZVE-S"), Some("Stranger"))
        .await
        .unwrap_err();
    assert_eq!(err.view().code, "packer_unknown");
    assert_eq!(scalar(&v, "SELECT COUNT(*) FROM inspection_run").await, 0);

    let aysel = Some("Aysel");
    let r = op(&v, id, scan("8690000000017\r\n"), aysel).await.unwrap();
    assert_eq!(
        r.scan,
        Some(ScanOutcome::Counted {
            line: 0,
            scanned: 1,
            wanted: 2
        })
    );
    // The wrong item is caught and counts nothing.
    let r = op(&v, id, scan("TEAPOT-9"), aysel).await.unwrap();
    assert_eq!(
        r.scan,
        Some(ScanOutcome::WrongItem {
            code: "TEAPOT-9".into()
        })
    );
    assert_eq!(r.inspection.lines[0].scanned, 1);
    assert_eq!(r.inspection.wrong_scans, 1);
    op(&v, id, scan("cezve-s"), aysel).await.unwrap();
    // One too many.
    let r = op(&v, id, scan("CEZVE-S"), aysel).await.unwrap();
    assert!(matches!(r.scan, Some(ScanOutcome::OverScan { .. })));
    assert_eq!(r.inspection.over_scans, 1);
    let r = op(&v, id, scan("KILIM-M"), aysel).await.unwrap();
    assert_eq!(r.inspection.steps[0].state, StepState::Done);
    assert_eq!(r.inspection.packer.as_deref(), Some("Aysel"));
    assert!(!r.inspection.can_finish, "the checks are still to answer");

    for key in REQUIRED_CHECKS {
        let r = op(&v, id, yes(key), aysel).await.unwrap();
        assert_eq!(r.settled, None, "optional steps are still open");
    }
    assert!(v.inspection(id).await.unwrap().can_finish);
    assert_eq!(v.order(id).await.unwrap().status, OrderStatus::Confirmed);
    let r = op(&v, id, InspectionOp::Finish, aysel).await.unwrap();
    assert_eq!(r.settled, Some(Outcome::Passed));
    assert_eq!(r.inspection.order_status, OrderStatus::ReadyToShip);

    let o = v.order(id).await.unwrap();
    assert_eq!(o.status, OrderStatus::ReadyToShip, "a pass moves it on");
    let e = o
        .timeline
        .iter()
        .find(|e| e.kind == EventKind::Inspection)
        .unwrap();
    assert_eq!(e.detail["outcome"], "passed");
    assert_eq!(e.detail["packer"], "Aysel");
    // A passed run takes nothing more.
    let err = op(&v, id, scan("CEZVE-S"), aysel).await.unwrap_err();
    assert_eq!(err.view().code, "inspection_decided");
    v.act_on_order(
        id,
        &Act::Ship {
            carrier: "AzərPoçt".into(),
            tracking: "RR1".into(),
        },
    )
    .await
    .unwrap();
    // A shipped order is not inspected again.
    let err = op(&v, id, InspectionOp::Restart, aysel).await.unwrap_err();
    assert_eq!(err.view().code, "inspection_not_packable");
    assert_eq!(
        on_hand(&v, cezve, "CEZVE-S").await,
        3,
        "only the sale took stock"
    );
}

async fn a_damaged_unit_opens_a_problem_tells_the_buyer_and_is_written_off(store: TestStore) {
    let v = store.open().await;
    let cezve = listing(&v, "electronics", &[("KETTLE-1", "", 4)]).await;
    let id = confirmed(&v, &[("KETTLE-1", 1)]).await;
    assert_eq!(on_hand(&v, cezve, "KETTLE-1").await, 3);
    let first = v.inspection(id).await.unwrap();
    assert_eq!(first.family, "electronics");
    assert!(first.steps.iter().any(|s| s.step.key == "powers_on"));

    // An answer that does not hold together is refused whole: no run, no problem.
    let bad = InspectionOp::Answer {
        key: "not_damaged".into(),
        answer: Answer::No {
            note: "dented".into(),
            damaged: vec![Damaged {
                sku: "KETTLE-1".into(),
                quantity: 2,
            }],
        },
    };
    let err = op(&v, id, bad, None).await.unwrap_err();
    let Error::Validation(fields) = err else {
        panic!("{err:?}")
    };
    assert_eq!(fields[0].field, "damaged[0].quantity");
    let err = op(&v, id, yes("no_such_step"), None).await.unwrap_err();
    assert_eq!(err.view().code, "inspection_step_unknown");
    let photo_to_check = InspectionOp::Answer {
        key: "not_damaged".into(),
        answer: Answer::Photo { media: "x".into() },
    };
    let err = op(&v, id, photo_to_check, None).await.unwrap_err();
    assert_eq!(err.view().code, "inspection_answer_unfit");
    assert_eq!(scalar(&v, "SELECT COUNT(*) FROM order_problem").await, 0);

    op(&v, id, scan("KETTLE-1"), None).await.unwrap();
    let apology = v
        .draft_order_message(id, MessageKind::DelayApology, None)
        .await
        .unwrap();
    let damaged = InspectionOp::Answer {
        key: "not_damaged".into(),
        answer: Answer::No {
            note: "cracked lid — قاپاق".into(),
            damaged: vec![Damaged {
                sku: "KETTLE-1".into(),
                quantity: 1,
            }],
        },
    };
    let r = v.inspect(id, &damaged, None, Some(&apology)).await.unwrap();
    assert_eq!(r.settled, Some(Outcome::Failed));
    assert_eq!(r.inspection.failure, Some(ProblemKind::Damaged));

    let o = v.order(id).await.unwrap();
    assert_eq!(o.status, OrderStatus::Confirmed);
    assert_eq!(o.problems.len(), 1);
    assert_eq!(o.problems[0].kind, ProblemKind::Damaged);
    assert!(
        o.problems[0].note.contains("cracked lid — قاپاق")
            && o.problems[0].note.contains("KETTLE-1 ×1"),
        "{}",
        o.problems[0].note
    );
    // The message is queued with the problem; the damaged unit is off the shelf.
    let outbox = v.outbox(Some(id)).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].kind, MessageKind::DelayApology);
    assert_eq!(on_hand(&v, cezve, "KETTLE-1").await, 2);
    assert_eq!(
        scalar(
            &v,
            "SELECT COUNT(*) FROM stock_movement WHERE reason = 'write_off' AND delta = -1"
        )
        .await,
        1
    );
    // Failed: the gate stays shut, and the run takes nothing more until it starts again.
    let err = v.act_on_order(id, &Act::MarkReady).await.unwrap_err();
    assert_eq!(err.view().code, "inspection_required");
    let err = op(&v, id, scan("KETTLE-1"), None).await.unwrap_err();
    assert_eq!(err.view().code, "inspection_decided");

    // With a sound unit from the shelf, a second run passes; the first-pass figure keeps the
    // failure (attempt 2).
    let r = op(&v, id, InspectionOp::Restart, None).await.unwrap();
    assert_eq!(r.inspection.attempt, 2);
    assert_eq!(r.inspection.lines[0].scanned, 0);
    op(&v, id, scan("KETTLE-1"), None).await.unwrap();
    for key in REQUIRED_CHECKS.iter().chain(&["powers_on"]) {
        op(&v, id, yes(key), None).await.unwrap();
    }
    let r = op(&v, id, InspectionOp::Finish, None).await.unwrap();
    assert_eq!(r.settled, Some(Outcome::Passed));
    assert_eq!(v.order(id).await.unwrap().status, OrderStatus::ReadyToShip);
    assert_eq!(on_hand(&v, cezve, "KETTLE-1").await, 2, "written off once");
}

async fn an_override_needs_a_written_reason_that_stays_on_the_timeline(store: TestStore) {
    let v = store.open().await;
    listing(&v, "default", &[("CEZVE-S", "", 5)]).await;
    let id = confirmed(&v, &[("CEZVE-S", 1)]).await;
    let events = scalar(&v, "SELECT COUNT(*) FROM order_event").await;
    let err = op(
        &v,
        id,
        InspectionOp::Override {
            reason: "  \n ".into(),
        },
        None,
    )
    .await
    .unwrap_err();
    let Error::Validation(fields) = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (fields[0].field.as_str(), fields[0].code.as_str()),
        ("reason", "required")
    );
    assert_eq!(scalar(&v, "SELECT COUNT(*) FROM order_event").await, events);
    assert_eq!(scalar(&v, "SELECT COUNT(*) FROM inspection_run").await, 0);

    let reason = "Buyer collects in person and checks it at the counter";
    let r = op(
        &v,
        id,
        InspectionOp::Override {
            reason: reason.into(),
        },
        None,
    )
    .await
    .unwrap();
    assert_eq!(r.settled, Some(Outcome::Overridden));
    assert_eq!(r.inspection.override_reason.as_deref(), Some(reason));
    // An override lets the order through, but does not move it by itself.
    assert_eq!(v.order(id).await.unwrap().status, OrderStatus::Confirmed);
    v.act_on_order(id, &Act::MarkReady).await.unwrap();
    let o = v.order(id).await.unwrap();
    let e = o
        .timeline
        .iter()
        .find(|e| e.kind == EventKind::Inspection)
        .unwrap();
    assert_eq!(e.detail["outcome"], "overridden");
    assert_eq!(e.detail["reason"], reason);
    // A second override of a cleared order is refused.
    let again = InspectionOp::Override {
        reason: "again".into(),
    };
    let err = op(&v, id, again, None).await.unwrap_err();
    assert_eq!(err.view().code, "inspection_decided");
}

async fn the_sellers_checklist_is_used_and_a_run_keeps_the_steps_it_began_with(store: TestStore) {
    let v = store.open().await;
    listing(&v, "books", &[("BOOK-1", "9780000000001", 5)]).await;
    let gift = Step {
        key: "gift_card".into(),
        kind: StepKind::Check,
        label: "Hədiyyə kartı — كارت هدیه".into(),
        required: true,
        fails_as: None,
    };
    let steps = vec![
        Step {
            key: "scan".into(),
            kind: StepKind::Scan,
            label: "Scan the books".into(),
            required: true,
            fails_as: Some(ProblemKind::WrongItem),
        },
        gift.clone(),
        Step {
            key: "parcel_photo".into(),
            kind: StepKind::Photo,
            label: String::new(),
            required: true,
            fails_as: None,
        },
    ];
    // Bad templates are refused with the step named.
    let mut bad = steps.clone();
    bad[1].label = String::new();
    let err = v.save_inspection_template("books", &bad).await.unwrap_err();
    let Error::Validation(fields) = err else {
        panic!("{err:?}")
    };
    assert_eq!(fields[0].field, "steps[1].label");

    v.save_inspection_template("books", &steps).await.unwrap();
    let saved = v.inspection_templates().await.unwrap();
    let books = saved.iter().find(|t| t.family == "books").unwrap();
    assert!(!books.shipped);
    assert_eq!(books.steps[1], gift);

    let id = confirmed(&v, &[("BOOK-1", 1)]).await;
    let r = op(&v, id, scan("9780000000001"), None).await.unwrap();
    assert_eq!(r.inspection.family, "books");
    assert_eq!(r.inspection.steps.len(), 3);

    // An edit now does not change the run under way.
    v.save_inspection_template("books", &steps[..2])
        .await
        .unwrap();
    let r = op(&v, id, yes("gift_card"), None).await.unwrap();
    assert_eq!(r.settled, None);
    assert!(!r.inspection.can_finish, "its photo step is still required");
    let err = op(&v, id, InspectionOp::Finish, None).await.unwrap_err();
    assert_eq!(err.view().code, "inspection_incomplete");
    assert_eq!(err.view().params["steps"], "parcel_photo");
}

async fn the_parcel_photo_is_kept_with_the_order(store: TestStore) {
    let v = store.open().await;
    listing(&v, "default", &[("CEZVE-S", "", 5)]).await;
    let id = confirmed(&v, &[("CEZVE-S", 1)]).await;
    // A hash that is not in the media store is not a photo.
    let bogus = InspectionOp::Answer {
        key: "parcel_photo".into(),
        answer: Answer::Photo {
            media: "00".repeat(32),
        },
    };
    let err = op(&v, id, bogus, None).await.unwrap_err();
    assert!(
        matches!(err, Error::Validation(ref f) if f[0].code == "photo_missing"),
        "{err:?}"
    );
    let upload = PhotoUpload {
        file_name: "box.png".into(),
        data_base64: base64::engine::general_purpose::STANDARD
            .encode(common::png_bytes(800, 600, 7)),
    };
    let r = v
        .inspection_photo(id, "parcel_photo", &upload, None)
        .await
        .unwrap();
    let step = r
        .inspection
        .steps
        .iter()
        .find(|s| s.step.key == "parcel_photo")
        .unwrap();
    assert_eq!(step.state, StepState::Done);
    let Some(Answer::Photo { media }) = step.answered.as_ref().map(|a| &a.answer) else {
        panic!("{step:?}")
    };
    assert_eq!(
        scalar(
            &v,
            &format!("SELECT COUNT(*) FROM media WHERE hash = '{media}'")
        )
        .await,
        1
    );
}

async fn variants_sharing_a_barcode_ask_for_the_sku_label(store: TestStore) {
    let v = store.open().await;
    listing(
        &v,
        "clothing",
        &[
            ("SHIRT-S", "4006381333931", 5),
            ("SHIRT-M", "4006381333931", 5),
        ],
    )
    .await;
    let id = confirmed(&v, &[("SHIRT-S", 1), ("SHIRT-M", 1)]).await;
    let r = op(&v, id, scan("4006381333931"), None).await.unwrap();
    assert_eq!(
        r.scan,
        Some(ScanOutcome::Ambiguous {
            skus: vec!["SHIRT-M".into(), "SHIRT-S".into()]
        })
    );
    assert!(r.inspection.lines.iter().all(|l| l.scanned == 0));
    op(&v, id, scan("SHIRT-M"), None).await.unwrap();
    // Only SHIRT-S is short now: the shared barcode counts toward it.
    let r = op(&v, id, scan("4006381333931"), None).await.unwrap();
    assert_eq!(
        r.scan,
        Some(ScanOutcome::Counted {
            line: 0,
            scanned: 1,
            wanted: 1
        })
    );
}

async fn the_pick_list_groups_a_batch_by_location_and_each_slip_speaks_the_buyers_language(
    store: TestStore,
) {
    let v = store.open().await;
    v.save_profile(&vefa::ProfileInput {
        shop_name: "Kilim <Evi>".into(),
        contact_name: "Rəna".into(),
        phone: String::new(),
        email: "rena@kilimevi.az".into(),
        ui_language: vefa::locale::UiLanguage::En,
        languages: vec!["az".into()],
        currency: "AZN".into(),
    })
    .await
    .unwrap();
    let shirts = listing(&v, "clothing", &[("SHIRT-S", "", 9), ("SHIRT-M", "", 9)]).await;
    let cezve = listing(&v, "default", &[("CEZVE-S", "", 9)]).await;
    for (id, location) in [(shirts, "A-1"), (cezve, "")] {
        let mut l = v.listing(id).await.unwrap().input;
        l.location = location.into();
        l.title = format!("<b>{}</b> {id}", l.title);
        v.update_listing(id, &l).await.unwrap();
    }
    let a = confirmed(&v, &[("CEZVE-S", 1), ("SHIRT-M", 2)]).await;
    let mut fa = NewOrder::new(OrderChannel::Phone, "مریم احمدی", "AZN").with_sku("SHIRT-M", 1);
    fa.buyer.language = Some("fa".into());
    fa.lines.push(vefa::orders::LineInput {
        sku: None,
        title: Some("Hədiyyə qablaşdırması".into()),
        quantity: 1,
        unit_price: Some("2".into()),
    });
    let b = v.add_order(&fa).await.unwrap().id;

    let list = v.pick_list(&[a, b, a]).await.unwrap();
    assert_eq!((list.orders, list.units), (2, 5));
    let order: Vec<(&str, u32)> = list
        .groups
        .iter()
        .map(|g| (g.location.as_str(), g.quantity))
        .collect();
    // The located shelf first; the unlocated listing and the custom line after it.
    assert_eq!(order[0], ("A-1", 3));
    assert_eq!(list.groups[0].items[0].sku.as_deref(), Some("SHIRT-M"));
    assert_eq!(list.groups[0].items[0].options, "size: SHIRT-M");
    assert_eq!(
        list.groups[0].items[0].orders,
        vec![(format!("#{a}"), 2), (format!("#{b}"), 1)]
    );
    assert!(
        list.groups
            .iter()
            .any(|g| g.listing_id.is_none() && g.title == "Hədiyyə qablaşdırması")
    );

    let dir = tempfile::tempdir().unwrap();
    let printed = v.print_packing(&[a, b], Some(dir.path())).await.unwrap();
    let pick = std::fs::read_to_string(&printed.pick_list_file).unwrap();
    assert!(pick.contains("Pick list"), "the seller's language");
    assert!(
        pick.contains("Kilim &lt;Evi&gt;") && !pick.contains("<b>"),
        "HTML prints as text"
    );
    let slips = std::fs::read_to_string(&printed.slips_file).unwrap();
    assert_eq!(slips.matches("<section class=\"slip\"").count(), 2);
    // Each slip in its buyer's language: Azerbaijani (the shop's) and Persian, right to left.
    assert!(slips.contains("lang=\"az\" dir=\"ltr\"") && slips.contains("Qablaşdırma vərəqi"));
    assert!(slips.contains("lang=\"fa\" dir=\"rtl\"") && slips.contains("برگهٔ بسته"));
    assert!(slips.contains("مریم احمدی"));

    let err = v.pick_list(&[]).await.unwrap_err();
    assert_eq!(err.view().code, "validation");
    let err = v.pick_list(&[a, 999_999]).await.unwrap_err();
    assert_eq!(err.view().code, "not_found");
}

async fn the_weeks_figures_count_by_packer(store: TestStore) {
    let v = store.open().await;
    v.save_team(&["Murad".into(), "Aysel".into()])
        .await
        .unwrap();
    listing(&v, "default", &[("CEZVE-S", "", 20)]).await;
    let pass = |id: i32, who: &'static str| {
        let v = &v;
        async move {
            op(v, id, scan("CEZVE-S"), Some(who)).await.unwrap();
            for key in REQUIRED_CHECKS {
                op(v, id, yes(key), Some(who)).await.unwrap();
            }
            let r = op(v, id, InspectionOp::Finish, Some(who)).await.unwrap();
            assert_eq!(r.settled, Some(Outcome::Passed));
        }
    };
    let a = confirmed(&v, &[("CEZVE-S", 1)]).await;
    op(&v, a, scan("TEAPOT"), Some("Aysel")).await.unwrap();
    pass(a, "Aysel").await;
    let b = confirmed(&v, &[("CEZVE-S", 1)]).await;
    let dented = InspectionOp::Answer {
        key: "not_damaged".into(),
        answer: Answer::No {
            note: String::new(),
            damaged: vec![],
        },
    };
    op(&v, b, dented, Some("Murad")).await.unwrap();
    op(&v, b, InspectionOp::Restart, Some("Murad"))
        .await
        .unwrap();
    pass(b, "Murad").await;
    let c = confirmed(&v, &[("CEZVE-S", 1)]).await;
    let by_hand = InspectionOp::Override {
        reason: "Sealed by the maker".into(),
    };
    op(&v, c, by_hand, None).await.unwrap();
    // Still open: not counted.
    let d = confirmed(&v, &[("CEZVE-S", 2)]).await;
    op(&v, d, scan("CEZVE-S"), Some("Aysel")).await.unwrap();

    let week = v.inspection_week(None).await.unwrap();
    let o = &week.overall;
    assert_eq!(
        (
            o.orders_inspected,
            o.first_runs,
            o.first_pass,
            o.wrong_items_caught,
            o.damages_caught,
            o.overrides
        ),
        (2, 2, 1, 1, 1, 1)
    );
    let by: Vec<(Option<&str>, u32, u32, u32, u32)> = week
        .by_packer
        .iter()
        .map(|f| {
            (
                f.packer.as_deref(),
                f.first_runs,
                f.first_pass,
                f.wrong_items_caught,
                f.damages_caught,
            )
        })
        .collect();
    assert_eq!(
        by,
        vec![(Some("Aysel"), 1, 1, 1, 0), (Some("Murad"), 1, 0, 0, 1)]
    );
    // Next week starts empty.
    store.clock.advance(chrono::Duration::days(7));
    let next = v.inspection_week(None).await.unwrap();
    assert_eq!(next.overall, vefa::inspection::figures::Figures::default());
    assert!(next.by_packer.is_empty());
}

async fn quick_scans_at_once_are_all_counted(store: TestStore) {
    let v = store.open().await;
    listing(&v, "default", &[("BEAD-1", "", 50)]).await;
    let id = confirmed(&v, &[("BEAD-1", 8)]).await;
    // A scanner faster than the store, or two desks at once: no scan is lost, none counts twice.
    let scans = (0..8).map(|_| op(&v, id, scan("BEAD-1"), None));
    for r in futures_util::future::join_all(scans).await {
        assert!(matches!(r.unwrap().scan, Some(ScanOutcome::Counted { .. })));
    }
    let i = v.inspection(id).await.unwrap();
    assert_eq!(i.lines[0].scanned, 8);
    let r = op(&v, id, scan("BEAD-1"), None).await.unwrap();
    assert!(matches!(r.scan, Some(ScanOutcome::OverScan { .. })));
}

on_both_stores!(
    quick_scans_at_once_are_all_counted,
    the_weeks_figures_count_by_packer,
    the_pick_list_groups_a_batch_by_location_and_each_slip_speaks_the_buyers_language,
    a_parcel_passes_only_when_every_item_is_scanned_and_checked,
    a_damaged_unit_opens_a_problem_tells_the_buyer_and_is_written_off,
    an_override_needs_a_written_reason_that_stays_on_the_timeline,
    the_sellers_checklist_is_used_and_a_run_keeps_the_steps_it_began_with,
    the_parcel_photo_is_kept_with_the_order,
    variants_sharing_a_barcode_ask_for_the_sku_label,
);
