//! The multisession objects and the put_MultisessionInterfaces decision against the emulated
//! drive with real media states: every row of the decision table is produced, and the table in
//! docs/multisession.md is the one in the code.

mod burn_support;

use burn_support::{Rig, check_doc_block, code, image};
use burnbench::burn::multisession_choice::{
    DECISION_TABLE, Rule, decide, decision_table_markdown, media_table_markdown,
};
use burnbench::burn::{
    DataWriter, ForeignMultisession, FsiMultisessionPolicy, MultisessionKind, MultisessionParameters, MultisessionRef,
    MultisessionSequential, choose_multisession,
};
use burnbench::hresult::HResult;
use burnbench::media::{Disc, Profile, WriteParameters};
use std::collections::HashSet;

fn value<T: std::fmt::Debug>(result: burnbench::hresult::ImapiResult<T>) -> u32 {
    code(result).0
}

/// A rig whose medium went through `sessions` writes of 20 blocks with `writer` settings.
fn written(profile: Profile, sessions: usize, configure: impl Fn(&DataWriter)) -> Rig {
    let rig = Rig::blank(profile);
    let writer = rig.writer();
    configure(&writer);
    for n in 0..sessions {
        writer.write(&mut image(20, n as u8 + 1)).unwrap();
    }
    rig
}

fn appendable_cd_r() -> Rig {
    written(Profile::CdR, 1, |_| {})
}

fn list_of(rig: &Rig) -> Vec<MultisessionRef> {
    rig.writer().multisession_interfaces().unwrap()
}

#[test]
fn the_sequential_object_reports_what_the_writer_reports() {
    let rig = written(Profile::CdR, 2, |_| {});
    let writer = rig.writer();
    let list = writer.multisession_interfaces().unwrap();
    let MultisessionRef::Sequential(sequential) = &list[0] else {
        panic!("sequential first")
    };
    assert!(sequential.is_supported_on_current_media_state().unwrap());
    assert!(!sequential.is_first_data_session().unwrap());
    assert_eq!(
        sequential.start_address_of_previous_session().unwrap(),
        writer.start_address_of_previous_session().unwrap()
    );
    assert_eq!(sequential.start_address_of_previous_session().unwrap(), 11702);
    assert_eq!(
        sequential.last_written_address_of_previous_session().unwrap(),
        writer.last_written_address_of_previous_session().unwrap()
    );
    assert_eq!(
        sequential.next_writable_address().unwrap(),
        writer.next_writable_address().unwrap()
    );
    assert_eq!(
        sequential.free_sectors_on_media().unwrap(),
        writer.free_sectors_on_media().unwrap()
    );
    // PostgapAlreadyInImage of the writer reaches its objects.
    writer.set_postgap_already_in_image(true).unwrap();
    assert_eq!(
        sequential.free_sectors_on_media().unwrap(),
        writer.free_sectors_on_media().unwrap()
    );
    assert_eq!(sequential.write_unit_size().unwrap(), 1);
    assert!(sequential.import_recorder().same_object(&rig.recorder));
    // RandomWrite does not fit a CD: its getters say the state is invalid.
    let MultisessionRef::RandomWrite(random) = &list[1] else {
        panic!("random-write second")
    };
    assert!(!random.is_supported_on_current_media_state().unwrap());
    assert_eq!(value(random.total_sectors_on_media()), 0xC0AA0402);
}

#[test]
fn write_units_per_medium() {
    for (profile, unit) in [(Profile::DvdPlusR, 16), (Profile::BdRSrm, 32), (Profile::DvdR, 16)] {
        let rig = Rig::blank(profile);
        let sequential = MultisessionSequential::for_recorder(rig.recorder.clone());
        assert_eq!(sequential.write_unit_size().unwrap(), unit, "{profile:?}");
        assert!(sequential.is_first_data_session().unwrap());
        assert_eq!(sequential.start_address_of_previous_session().unwrap(), -1);
    }
}

#[test]
fn a_finalized_disc_answers_invalid_media_state() {
    let rig = Rig::new(Disc::pressed(Profile::DvdR, 1000, false));
    let sequential = MultisessionSequential::for_recorder(rig.recorder.clone());
    assert!(!sequential.is_supported_on_current_media_state().unwrap());
    for result in [
        sequential.start_address_of_previous_session(),
        sequential.last_written_address_of_previous_session(),
        sequential.next_writable_address(),
        sequential.free_sectors_on_media(),
        sequential.write_unit_size(),
    ] {
        assert_eq!(value(result), 0xC0AA0402);
    }
    assert_eq!(value(sequential.is_first_data_session()), 0xC0AA0402);
}

#[test]
fn the_random_write_object_on_bd_re() {
    let rig = Rig::new(Disc::pressed(Profile::BdRe, 0, false));
    let writer = rig.writer();
    let list = writer.multisession_interfaces().unwrap();
    let MultisessionRef::RandomWrite(random) = &list[1] else {
        panic!()
    };
    assert!(random.is_supported_on_current_media_state().unwrap());
    assert_eq!(random.write_unit_size().unwrap(), 32);
    assert_eq!(random.total_sectors_on_media().unwrap(), 11826176);
    assert_eq!(random.last_written_address().unwrap(), -1, "heuristically blank");
    writer.set_force_overwrite(true);
    writer.write(&mut image(64, 1)).unwrap();
    assert_eq!(random.last_written_address().unwrap(), 11826176 - 1);
    let MultisessionRef::Sequential(sequential) = &list[0] else {
        panic!()
    };
    assert!(!sequential.is_supported_on_current_media_state().unwrap());
    assert_eq!(value(sequential.next_writable_address()), 0xC0AA0402);
}

#[test]
fn in_use_persists_on_the_writers_objects() {
    let rig = appendable_cd_r();
    let writer = rig.writer();
    writer.multisession_interfaces().unwrap()[0].set_in_use(true);
    let again = writer.multisession_interfaces().unwrap();
    assert!(again[0].in_use() && !again[1].in_use());
    assert_eq!(again[0].kind(), MultisessionKind::Sequential);
}

#[test]
fn accepted_lists_give_the_chosen_element() {
    let policy = FsiMultisessionPolicy::default();
    let rig = appendable_cd_r();
    let list = list_of(&rig);
    assert_eq!(choose_multisession(Some(&list), &policy).unwrap(), 0);
    let MultisessionParameters::Sequential {
        next_writable_address, ..
    } = list[0].parameters().unwrap()
    else {
        panic!()
    };
    assert_eq!(next_writable_address, 11702);
    // Blank overwritable media are accepted (random write, Windows 7).
    let rig = Rig::blank(Profile::DvdPlusRw);
    assert_eq!(choose_multisession(Some(&list_of(&rig)), &policy).unwrap(), 1);
    let rig = Rig::new(Disc::pressed(Profile::BdRe, 0, false));
    assert_eq!(choose_multisession(Some(&list_of(&rig)), &policy).unwrap(), 1);
    // Vista takes sequential media.
    let rig = appendable_cd_r();
    assert_eq!(
        choose_multisession(Some(&list_of(&rig)), &FsiMultisessionPolicy::vista()).unwrap(),
        0
    );
}

/// Builds a situation: the rigs it uses (kept alive with it) and the list.
type Build = Box<dyn Fn() -> (Vec<Rig>, Option<Vec<MultisessionRef>>)>;

/// One situation of the decision table.
struct Case {
    name: &'static str,
    rule: Rule,
    policy: FsiMultisessionPolicy,
    /// Builds the list; the rigs it uses are kept alive with it.
    build: Build,
}

fn case(
    name: &'static str,
    rule: Rule,
    policy: FsiMultisessionPolicy,
    build: impl Fn() -> (Vec<Rig>, Option<Vec<MultisessionRef>>) + 'static,
) -> Case {
    Case {
        name,
        rule,
        policy,
        build: Box::new(build),
    }
}

fn one(rig: Rig) -> (Vec<Rig>, Option<Vec<MultisessionRef>>) {
    let list = list_of(&rig);
    (vec![rig], Some(list))
}

fn cases() -> Vec<Case> {
    let seven = FsiMultisessionPolicy::windows7();
    let vista = FsiMultisessionPolicy::vista();
    vec![
        case("no list", Rule::NoList, seven, || (vec![], None)),
        case("two elements InUse", Rule::SeveralInUse, seven, || {
            let rig = appendable_cd_r();
            let list = list_of(&rig);
            list[0].set_in_use(true);
            list[1].set_in_use(true);
            (vec![rig], Some(list))
        }),
        case(
            "RandomWrite InUse under Vista",
            Rule::InUseTypeNotSupportedByBuilder,
            vista,
            || {
                let rig = Rig::new(Disc::pressed(Profile::BdRe, 0, false));
                let list = list_of(&rig);
                list[1].set_in_use(true);
                (vec![rig], Some(list))
            },
        ),
        case(
            "a foreign type InUse",
            Rule::InUseTypeNotSupportedByBuilder,
            seven,
            || {
                let rig = appendable_cd_r();
                let mut list = list_of(&rig);
                let foreign = ForeignMultisession::new("BD-R pseudo-overwrite", true, Some(rig.recorder.clone()));
                list.push(MultisessionRef::Foreign(foreign));
                list[2].set_in_use(true);
                (vec![rig], Some(list))
            },
        ),
        case("an empty list", Rule::NoTypeSupportedByBuilder, seven, || {
            (vec![], Some(vec![]))
        }),
        case("only a foreign type", Rule::NoTypeSupportedByBuilder, seven, || {
            let rig = appendable_cd_r();
            let foreign = ForeignMultisession::new("other", true, Some(rig.recorder.clone()));
            (vec![rig], Some(vec![MultisessionRef::Foreign(foreign)]))
        }),
        case(
            "only RandomWrite under Vista",
            Rule::NoTypeSupportedByBuilder,
            vista,
            || {
                let rig = Rig::blank(Profile::DvdPlusRw);
                let list = vec![list_of(&rig)[1].clone()];
                (vec![rig], Some(list))
            },
        ),
        case("elements of two drives", Rule::DifferentRecorders, seven, || {
            let a = appendable_cd_r();
            let b = appendable_cd_r();
            let list = vec![list_of(&a)[0].clone(), list_of(&b)[0].clone()];
            (vec![a, b], Some(list))
        }),
        case(
            "GET CONFIGURATION fails (fault plan)",
            Rule::MediaTypeUnreadable,
            seven,
            || {
                let rig = appendable_cd_r();
                let list = list_of(&rig);
                rig.set_faults(
                    "FaultPlan(faults: [Fault(trigger: OnOpcode(opcode: 0x46), effect: PowerCalibrationError)])",
                );
                (vec![rig], Some(list))
            },
        ),
        case("no medium", Rule::NoMedium, seven, || one(Rig::empty())),
        case("DVD-ROM", Rule::MediaTypeNotAllowed, seven, || {
            one(Rig::new(Disc::pressed(Profile::DvdRom, 1000, false)))
        }),
        case("formatted DVD+RW under Vista", Rule::MediaTypeNotAllowed, vista, || {
            one(Rig::new(Disc::pressed(Profile::DvdPlusRw, 0, false)))
        }),
        case(
            "DVD-RW in sequential mode, appendable",
            Rule::MediaTypeNotAllowed,
            seven,
            || {
                let mut disc = Disc::new(Profile::DvdRwSequential);
                let ms = WriteParameters::multisession();
                disc.write(0, 16, &ms).unwrap();
                disc.close(1, 1, &ms).unwrap();
                disc.close(2, 0, &ms).unwrap();
                one(Rig::new(disc))
            },
        ),
        case("blank DVD-R DL", Rule::MediaTypeNotAllowed, seven, || {
            one(Rig::blank(Profile::DvdRDl))
        }),
        case(
            "READ DISC INFORMATION fails in IsSupportedOnCurrentMediaState (fault plan)",
            Rule::SupportQueryFailed,
            seven,
            || {
                let rig = appendable_cd_r();
                let list = list_of(&rig);
                rig.set_faults(
                    "FaultPlan(faults: [Fault(trigger: OnOpcode(opcode: 0x51), effect: PowerCalibrationError)])",
                );
                (vec![rig], Some(list))
            },
        ),
        case("finalized DVD-R", Rule::NotSupportedOnCurrentMedia, seven, || {
            one(Rig::new(Disc::pressed(Profile::DvdR, 1000, false)))
        }),
        case(
            "DVD+R closed by consumer compatibility",
            Rule::NotSupportedOnCurrentMedia,
            seven,
            || one(written(Profile::DvdPlusR, 1, |_| {})),
        ),
        case(
            "a poisoned getter: READ DISC INFORMATION fails after IsSupportedOnCurrentMediaState (fault plan)",
            Rule::ParameterUnreadable,
            seven,
            || {
                let rig = appendable_cd_r();
                let list = vec![list_of(&rig)[0].clone()];
                rig.set_faults(
                    "FaultPlan(faults: [Fault(trigger: OnOpcode(opcode: 0x51, from: 2), effect: PowerCalibrationError, times: Always)])",
                );
                (vec![rig], Some(list))
            },
        ),
        case(
            "a lying drive: free blocks of the invisible track negative",
            Rule::ParameterGarbage,
            seven,
            || {
                let rig = appendable_cd_r();
                let list = list_of(&rig);
                rig.poison(|cdb, data| {
                    // READ TRACK INFORMATION of a blank (the invisible) track: free blocks.
                    if cdb[0] == 0x52 && data.len() >= 20 && data[6] & 0x40 != 0 {
                        data[16..20].copy_from_slice(&0xFFFF_FFF0u32.to_be_bytes());
                    }
                });
                (vec![rig], Some(list))
            },
        ),
        case("blank CD-R", Rule::BlankWriteOnce, seven, || {
            one(Rig::blank(Profile::CdR))
        }),
        case("blank BD-R under Vista", Rule::BlankWriteOnce, vista, || {
            one(Rig::blank(Profile::BdRSrm))
        }),
        case("appendable CD-R", Rule::Accepted, seven, || one(appendable_cd_r())),
        case(
            "appendable DVD+R with compatibility mode disabled",
            Rule::Accepted,
            vista,
            || {
                one(written(Profile::DvdPlusR, 2, |w| {
                    w.set_disable_consumer_dvd_compatibility_mode(true).unwrap()
                }))
            },
        ),
        case("blank DVD+RW", Rule::Accepted, seven, || {
            one(Rig::blank(Profile::DvdPlusRw))
        }),
        case("formatted BD-RE", Rule::Accepted, seven, || {
            one(Rig::new(Disc::pressed(Profile::BdRe, 0, false)))
        }),
    ]
}

#[test]
fn every_row_of_the_decision_table_against_the_drive() {
    let mut covered = HashSet::new();
    for case in cases() {
        // Each call on a fresh situation: fault plans fire once.
        let (_rigs, list) = (case.build)();
        let (rule, chosen) = decide(list.as_deref(), &case.policy);
        assert_eq!(rule, case.rule, "{}", case.name);
        let (_rigs, list) = (case.build)();
        let result = choose_multisession(list.as_deref(), &case.policy);
        let expected = DECISION_TABLE.iter().find(|r| r.rule == case.rule).unwrap().code;
        match result {
            Ok(index) => {
                assert_eq!(expected, HResult::S_OK, "{}", case.name);
                assert_eq!(Some(index), chosen);
            }
            Err(error) => assert_eq!(error.code, expected, "{}", case.name),
        }
        covered.insert(case.rule);
    }
    let missing: Vec<Rule> = DECISION_TABLE
        .iter()
        .map(|r| r.rule)
        .filter(|r| !covered.contains(r))
        .collect();
    assert!(missing.is_empty(), "rows without a test: {missing:?}");
}

#[test]
fn the_seed_codes_through_the_public_api() {
    let seven = FsiMultisessionPolicy::windows7();
    let code_of = |rig: &Rig| value(choose_multisession(Some(&list_of(rig)), &seven));
    assert_eq!(value(choose_multisession(None, &seven)), 0x80004003);
    assert_eq!(code_of(&Rig::blank(Profile::CdR)), 0xC0AAB156);
    assert_eq!(code_of(&Rig::new(Disc::pressed(Profile::DvdR, 500, false))), 0xC0AAB15C);
    assert_eq!(code_of(&Rig::empty()), 0xC0AAB15C);
    assert_eq!(
        code_of(&Rig::new(Disc::pressed(Profile::BdRom, 500, false))),
        0xC0AAB159
    );
    let rig = appendable_cd_r();
    let list = list_of(&rig);
    list[0].set_in_use(true);
    list[1].set_in_use(true);
    assert_eq!(value(choose_multisession(Some(&list), &seven)), 0xC0AAB100);
    list[0].set_in_use(false);
    assert_eq!(
        value(choose_multisession(Some(&list), &FsiMultisessionPolicy::vista())),
        0xC0AAB15B
    );
    list[1].set_in_use(false);
    rig.set_faults(
        "FaultPlan(faults: [Fault(trigger: OnOpcode(opcode: 0x25, from: 3), effect: PowerCalibrationError, times: Always)])",
    );
    assert_eq!(value(choose_multisession(Some(&list), &seven)), 0xC0AAB162);
}

#[test]
fn the_doc_tables_are_the_code_tables() {
    check_doc_block("docs/multisession.md", "decision-table", &decision_table_markdown());
    check_doc_block("docs/multisession.md", "media-table", &media_table_markdown());
}
