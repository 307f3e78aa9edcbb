//! Fault plans: the faults an emulated drive injects, when, and how often (docs/faults.md).
//!
//! A [`FaultPlan`] is data (RON). A [`FaultInjector`] holds one plan and its counters; the drive
//! asks it once per command with a [`CommandContext`] and applies the [`Injection`] it gets back.
//! Each [`Effect`] maps to exactly one MMC behaviour: a sense triple from mmc.md §3 and a
//! [`Disposition`] saying whether the command still does its work.

use crate::mmc::Sense;
use crate::mmc::cdb::opcode;
use crate::mmc::sense::{SENSE_TABLE, key};
use crate::mmc::sense_data::SenseDataRepr;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Range;

/// The faults a drive injects, in order: when several match one command, the first one with uses
/// left fires and the others wait.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultPlan {
    pub faults: Vec<Fault>,
}

/// One fault: when it fires, what the host sees, how often.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    pub trigger: Trigger,
    pub effect: Effect,
    #[serde(default)]
    pub times: Times,
}

/// When a fault fires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Trigger {
    /// A READ, WRITE or VERIFY whose block range contains `lba`. Write effects (write error, loss
    /// of streaming) fire only on writes, the unreadable sector only on reads and verifies; the
    /// LBA is the INFORMATION of the sense.
    AtLba { lba: u32 },
    /// Every command after the first `count` (the first to fire is command number `count + 1`),
    /// counting every command the drive executes.
    AfterCommands { count: u64 },
    /// Commands with this operation code, from its `from`-th occurrence on (1-based; default 1).
    OnOpcode {
        opcode: u8,
        #[serde(default = "first_occurrence", skip_serializing_if = "is_first_occurrence")]
        from: u64,
    },
}

fn first_occurrence() -> u64 {
    1
}

fn is_first_occurrence(from: &u64) -> bool {
    *from == 1
}

/// What the host sees when a fault fires (docs/faults.md lists each with its sense bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Effect {
    /// 3/0C/00 WRITE ERROR. Current: the command fails. Deferred: the command completes GOOD and
    /// the next command gets CHECK CONDITION with response code 71h (mmc.md §3).
    WriteError { deferred: bool },
    /// 3/11/05 L-EC UNCORRECTABLE ERROR, INFORMATION = the LBA.
    UnreadableSector,
    /// 3/73/03 POWER CALIBRATION AREA ERROR.
    PowerCalibrationError,
    /// 1/73/01 POWER CALIBRATION AREA ALMOST FULL: the command does its work, then reports
    /// CHECK CONDITION with the recovered-error key (growisofs code 0x17301, mmc.md §3).
    PcaAlmostFull,
    /// 3/0C/09 WRITE ERROR - LOSS OF STREAMING (buffer underrun).
    LossOfStreaming,
    /// 3/72/00 SESSION FIXATION ERROR.
    SessionFixationError,
    /// The medium disappears from the closed tray: this and later commands see 2/3A/01, GESN
    /// reports a media removal.
    MediumRemoved,
    /// A unit attention (key 6) with this triple becomes pending, e.g. 6/28/00 or 6/29/00.
    UnitAttention {
        #[serde(with = "unit_attention")]
        sense: Sense,
    },
    /// 2/04/01 BECOMING READY from now until the simulated clock has advanced `for_ms`.
    NotReady { for_ms: u64 },
    /// The command never completes: the transport reports a timeout.
    NoCompletion,
}

/// How the drive applies an effect to the command that triggered it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Refuse the command: CHECK CONDITION with the injection's (current, 70h) sense; the command
    /// changes nothing.
    Fail,
    /// Do the command, then answer CHECK CONDITION with the injection's recovered-error sense
    /// (key 1) instead of GOOD.
    CompleteWithSense,
    /// Do the command and answer GOOD; the injection's deferred sense (71h) is reported by the
    /// next command (REQUEST SENSE returns it with GOOD).
    CompleteThenDefer,
    /// Change the drive's state first (medium gone, unit attention pending, becoming ready), then
    /// run the command under the drive's usual rules (mmc.md §1.6), which report the sense.
    ChangeState,
    /// Do nothing and answer nothing: the transport fails with a timeout.
    NoCompletion,
}

impl Effect {
    /// The triple the host sees, directly (failures, warnings, deferred errors) or through the
    /// drive's state (unit attention, becoming ready). `None` for the medium removal, whose
    /// 2/3A/0x depends on the tray, and for no completion.
    pub fn sense(&self) -> Option<Sense> {
        match self {
            Effect::WriteError { .. } => Some(Sense::WRITE_ERROR),
            Effect::UnreadableSector => Some(Sense::L_EC_UNCORRECTABLE_ERROR),
            Effect::PowerCalibrationError => Some(Sense::PCA_ERROR),
            Effect::PcaAlmostFull => Some(Sense::PCA_ALMOST_FULL),
            Effect::LossOfStreaming => Some(Sense::WRITE_ERROR_LOSS_OF_STREAMING),
            Effect::SessionFixationError => Some(Sense::SESSION_FIXATION_ERROR),
            Effect::MediumRemoved | Effect::NoCompletion => None,
            Effect::UnitAttention { sense } => Some(*sense),
            Effect::NotReady { .. } => Some(Sense::BECOMING_READY),
        }
    }

    /// The sense belongs to this command but is reported by the next one (response code 71h).
    pub fn is_deferred(&self) -> bool {
        matches!(self, Effect::WriteError { deferred: true })
    }

    /// A recovered error (key 1): the command did its work.
    pub fn is_recovered(&self) -> bool {
        self.sense().is_some_and(|sense| sense.key == key::RECOVERED_ERROR)
    }

    /// The INFORMATION field of the sense carries the failing LBA.
    pub fn reports_lba(&self) -> bool {
        matches!(
            self,
            Effect::WriteError { .. } | Effect::UnreadableSector | Effect::LossOfStreaming
        )
    }

    pub fn disposition(&self) -> Disposition {
        match self {
            Effect::WriteError { deferred: true } => Disposition::CompleteThenDefer,
            Effect::PcaAlmostFull => Disposition::CompleteWithSense,
            Effect::WriteError { deferred: false }
            | Effect::UnreadableSector
            | Effect::PowerCalibrationError
            | Effect::LossOfStreaming
            | Effect::SessionFixationError => Disposition::Fail,
            Effect::MediumRemoved | Effect::UnitAttention { .. } | Effect::NotReady { .. } => Disposition::ChangeState,
            Effect::NoCompletion => Disposition::NoCompletion,
        }
    }

    /// Whether an LBA trigger may fire this effect on a command with this operation code: write
    /// errors only on writes, an unreadable sector only on reads and verifies, the rest on any
    /// command that addresses blocks.
    fn fires_on_opcode(&self, code: u8) -> bool {
        match self {
            Effect::WriteError { .. } | Effect::LossOfStreaming => is_write(code),
            Effect::UnreadableSector => is_read(code),
            _ => true,
        }
    }
}

fn is_write(code: u8) -> bool {
    matches!(code, opcode::WRITE_10 | opcode::WRITE_12 | opcode::WRITE_AND_VERIFY_10)
}

fn is_read(code: u8) -> bool {
    matches!(
        code,
        opcode::READ_10 | opcode::READ_12 | opcode::READ_CD | opcode::VERIFY_10
    )
}

/// How often a fault fires.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Times {
    /// The first matching command only.
    #[default]
    Once,
    /// Every matching command.
    Always,
    /// The first `n` matching commands.
    Count(u32),
}

impl Times {
    fn allows(self, fired: u32) -> bool {
        match self {
            Times::Once => fired < 1,
            Times::Always => true,
            Times::Count(n) => fired < n,
        }
    }
}

/// A fault plan that did not load: where and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct FaultPlanError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl FaultPlan {
    /// Reads a plan from RON text (docs/faults.md).
    pub fn from_ron(text: &str) -> Result<FaultPlan, FaultPlanError> {
        ron::Options::default()
            .from_str(text)
            .map_err(|e: ron::error::SpannedError| FaultPlanError {
                line: e.span.start.line,
                column: e.span.start.col,
                message: e.code.to_string(),
            })
    }

    /// The plan as pretty RON, with struct names, that [`FaultPlan::from_ron`] reads back.
    pub fn to_ron(&self) -> String {
        let config = ron::ser::PrettyConfig::default().struct_names(true);
        ron::Options::default()
            .to_string_pretty(self, config)
            .expect("a fault plan is plain data and always serialises")
    }
}

/// What the drive knows about a command when it asks whether a fault fires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandContext {
    /// 0-based number of the command among all the drive executed.
    pub index: u64,
    pub opcode: u8,
    /// The blocks a READ / WRITE / VERIFY addresses (`lba..lba + count`); `None` for others.
    pub blocks: Option<Range<u32>>,
}

/// A fault that fired on one command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Injection {
    /// Position of the fault in the plan.
    pub fault: usize,
    pub effect: Effect,
    /// The LBA the fault is reported at: the trigger's LBA, else the first block of the command.
    pub lba: Option<u32>,
}

impl Injection {
    /// The sense data to report (70h current or 71h deferred; VALID + INFORMATION = the LBA for
    /// write errors, loss of streaming and unreadable sectors). `None` when the sense comes from
    /// the drive's state (medium removed) or there is none (no completion). For unit attention
    /// and becoming ready this is the sense the drive's state will produce.
    pub fn sense_data(&self) -> Option<SenseDataRepr> {
        let sense = self.effect.sense()?;
        let repr = if self.effect.is_deferred() {
            SenseDataRepr::deferred(sense)
        } else {
            SenseDataRepr::current(sense)
        };
        Some(match self.lba {
            Some(lba) if self.effect.reports_lba() => repr.with_information(lba),
            _ => repr,
        })
    }
}

/// A fault plan with its counters: how often each fault fired, how often each watched opcode
/// was seen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultInjector {
    plan: FaultPlan,
    fired: Vec<u32>,
    opcode_seen: Vec<u64>,
}

impl FaultInjector {
    pub fn new(plan: FaultPlan) -> FaultInjector {
        let count = plan.faults.len();
        FaultInjector {
            plan,
            fired: vec![0; count],
            opcode_seen: vec![0; count],
        }
    }

    pub fn plan(&self) -> &FaultPlan {
        &self.plan
    }

    /// How many times fault `fault` (its position in the plan) has fired.
    pub fn fired(&self, fault: usize) -> u32 {
        self.fired.get(fault).copied().unwrap_or(0)
    }

    /// No fault can fire any more.
    pub fn is_exhausted(&self) -> bool {
        self.plan
            .faults
            .iter()
            .zip(&self.fired)
            .all(|(fault, &fired)| !fault.times.allows(fired))
    }

    /// The fault to apply to this command, if any; consumes one of its uses. Call once per
    /// command, before executing it: opcode occurrences are counted here.
    pub fn check(&mut self, ctx: &CommandContext) -> Option<Injection> {
        let mut injection = None;
        for (i, fault) in self.plan.faults.iter().enumerate() {
            // Occurrences count whether or not this fault fires, so `from` means the k-th
            // command with that opcode, not the k-th eligible one.
            let lba = match &fault.trigger {
                Trigger::AtLba { lba } => {
                    let hit = ctx.blocks.as_ref().is_some_and(|blocks| blocks.contains(lba))
                        && fault.effect.fires_on_opcode(ctx.opcode);
                    hit.then_some(Some(*lba))
                }
                Trigger::AfterCommands { count } => (ctx.index >= *count).then_some(first_block(ctx)),
                Trigger::OnOpcode { opcode, from } => {
                    if ctx.opcode != *opcode {
                        None
                    } else {
                        self.opcode_seen[i] += 1;
                        (self.opcode_seen[i] >= *from).then_some(first_block(ctx))
                    }
                }
            };
            if let Some(lba) = lba
                && injection.is_none()
                && fault.times.allows(self.fired[i])
            {
                self.fired[i] += 1;
                injection = Some(Injection {
                    fault: i,
                    effect: fault.effect,
                    lba,
                });
            }
        }
        injection
    }
}

fn first_block(ctx: &CommandContext) -> Option<u32> {
    ctx.blocks.as_ref().map(|blocks| blocks.start)
}

/// A unit attention written as its triple (`"6/28/00"`, hexadecimal as in mmc.md) or the name of
/// a sense-table row (`"POWER_ON_RESET"`); the key must be 6.
mod unit_attention {
    use super::{SENSE_TABLE, Sense, key};
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(sense: &Sense, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&format_args!("{:X}/{:02X}/{:02X}", sense.key, sense.asc, sense.ascq))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Sense, D::Error> {
        let text = String::deserialize(deserializer)?;
        let sense = parse(&text).ok_or_else(|| {
            D::Error::custom(format!(
                "expected a sense triple like \"6/28/00\" or a sense name like \"POWER_ON_RESET\", found {text:?}"
            ))
        })?;
        if sense.key != key::UNIT_ATTENTION {
            return Err(D::Error::custom(format!(
                "a unit attention has sense key 6, found {text:?} (key {:X})",
                sense.key
            )));
        }
        Ok(sense)
    }

    fn parse(text: &str) -> Option<Sense> {
        if let Some(entry) = SENSE_TABLE.iter().find(|e| e.name == text) {
            return Some(entry.sense);
        }
        let mut parts = text.split('/').map(|part| u8::from_str_radix(part, 16).ok());
        let sense = Sense::new(parts.next()??, parts.next()??, parts.next()??);
        parts.next().is_none().then_some(sense)
    }
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Effect::WriteError { deferred: true } => f.write_str("deferred write error"),
            Effect::WriteError { deferred: false } => f.write_str("write error"),
            Effect::UnreadableSector => f.write_str("unreadable sector"),
            Effect::PowerCalibrationError => f.write_str("power calibration error"),
            Effect::PcaAlmostFull => f.write_str("power calibration area almost full"),
            Effect::LossOfStreaming => f.write_str("loss of streaming"),
            Effect::SessionFixationError => f.write_str("session fixation error"),
            Effect::MediumRemoved => f.write_str("medium removed"),
            Effect::UnitAttention { sense } => write!(f, "unit attention {sense}"),
            Effect::NotReady { for_ms } => write!(f, "not ready for {for_ms} ms"),
            Effect::NoCompletion => f.write_str("no completion"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_effect() -> Vec<Effect> {
        vec![
            Effect::WriteError { deferred: false },
            Effect::WriteError { deferred: true },
            Effect::UnreadableSector,
            Effect::PowerCalibrationError,
            Effect::PcaAlmostFull,
            Effect::LossOfStreaming,
            Effect::SessionFixationError,
            Effect::MediumRemoved,
            Effect::UnitAttention {
                sense: Sense::NOT_READY_TO_READY_CHANGE,
            },
            Effect::NotReady { for_ms: 3000 },
            Effect::NoCompletion,
        ]
    }

    fn fault(trigger: Trigger, effect: Effect, times: Times) -> Fault {
        Fault { trigger, effect, times }
    }

    fn command(index: u64, code: u8, blocks: Option<Range<u32>>) -> CommandContext {
        CommandContext {
            index,
            opcode: code,
            blocks,
        }
    }

    fn injector(faults: Vec<Fault>) -> FaultInjector {
        FaultInjector::new(FaultPlan { faults })
    }

    #[test]
    fn every_trigger_and_effect_round_trips_through_ron() {
        let triggers = [
            Trigger::AtLba { lba: 1000 },
            Trigger::AfterCommands { count: 20 },
            Trigger::OnOpcode {
                opcode: opcode::WRITE_10,
                from: 1,
            },
            Trigger::OnOpcode {
                opcode: opcode::CLOSE_TRACK_SESSION,
                from: 3,
            },
        ];
        let times = [Times::Once, Times::Always, Times::Count(4)];
        let mut faults = Vec::new();
        for (i, effect) in every_effect().into_iter().enumerate() {
            faults.push(fault(
                triggers[i % triggers.len()].clone(),
                effect,
                times[i % times.len()],
            ));
        }
        let plan = FaultPlan { faults };
        let text = plan.to_ron();
        assert_eq!(FaultPlan::from_ron(&text), Ok(plan), "{text}");
    }

    #[test]
    fn hand_written_plan_reads() {
        let plan = FaultPlan::from_ron(
            r#"FaultPlan(faults: [
                Fault(trigger: OnOpcode(opcode: 0x5B, from: 2), effect: SessionFixationError, times: Always),
                Fault(trigger: AtLba(lba: 16), effect: WriteError(deferred: true)),
                Fault(trigger: AfterCommands(count: 5), effect: UnitAttention(sense: "POWER_ON_RESET")),
            ])"#,
        )
        .unwrap();
        assert_eq!(
            plan.faults[0],
            fault(
                Trigger::OnOpcode { opcode: 0x5B, from: 2 },
                Effect::SessionFixationError,
                Times::Always
            )
        );
        assert_eq!(plan.faults[1].times, Times::Once);
        assert_eq!(
            plan.faults[2].effect,
            Effect::UnitAttention {
                sense: Sense::POWER_ON_RESET
            }
        );
    }

    #[test]
    fn misspelt_field_reports_line_column_and_expected_names() {
        let error =
            FaultPlan::from_ron("FaultPlan(faults: [\n  Fault(trigger: AtLba(lab: 5), effect: MediumRemoved),\n])")
                .unwrap_err();
        assert_eq!((error.line, error.column), (2, 24), "{error}");
        assert!(
            error.message.contains("`lab`") && error.message.contains("`lba`"),
            "{error}"
        );
        assert!(error.to_string().starts_with("line 2, column 24: "), "{error}");
    }

    #[test]
    fn unknown_effect_lists_the_effects() {
        let error = FaultPlan::from_ron("FaultPlan(faults: [Fault(trigger: AtLba(lba: 5), effect: MediaRemoved)])")
            .unwrap_err();
        assert_eq!(error.line, 1);
        assert!(error.message.contains("`MediumRemoved`"), "{error}");
    }

    #[test]
    fn unit_attention_needs_key_6() {
        let error = FaultPlan::from_ron(
            r#"FaultPlan(faults: [Fault(trigger: AtLba(lba: 5), effect: UnitAttention(sense: "5/24/00"))])"#,
        )
        .unwrap_err();
        assert!(error.message.contains("sense key 6"), "{error}");
        let error = FaultPlan::from_ron(
            r#"FaultPlan(faults: [Fault(trigger: AtLba(lba: 5), effect: UnitAttention(sense: "6/28"))])"#,
        )
        .unwrap_err();
        assert!(error.message.contains("expected a sense triple"), "{error}");
    }

    #[test]
    fn lba_trigger_fires_on_a_range_containing_the_lba() {
        let mut faults = injector(vec![fault(
            Trigger::AtLba { lba: 100 },
            Effect::PowerCalibrationError,
            Times::Always,
        )]);
        assert_eq!(faults.check(&command(0, opcode::WRITE_10, Some(84..100))), None);
        assert_eq!(faults.check(&command(1, opcode::WRITE_10, Some(101..116))), None);
        assert_eq!(faults.check(&command(2, opcode::TEST_UNIT_READY, None)), None);
        let injection = faults.check(&command(3, opcode::READ_10, Some(96..112))).unwrap();
        assert_eq!(injection.lba, Some(100));
        assert_eq!(injection.fault, 0);
    }

    #[test]
    fn lba_trigger_picks_the_direction_of_the_effect() {
        let mut faults = injector(vec![
            fault(Trigger::AtLba { lba: 50 }, Effect::UnreadableSector, Times::Once),
            fault(
                Trigger::AtLba { lba: 50 },
                Effect::WriteError { deferred: false },
                Times::Once,
            ),
        ]);
        let write = faults.check(&command(0, opcode::WRITE_12, Some(32..64))).unwrap();
        assert_eq!(write.effect, Effect::WriteError { deferred: false });
        let read = faults.check(&command(1, opcode::VERIFY_10, Some(50..51))).unwrap();
        assert_eq!(read.effect, Effect::UnreadableSector);
        assert!(faults.is_exhausted());
    }

    #[test]
    fn after_n_commands_fires_on_command_n_plus_1() {
        let mut faults = injector(vec![fault(
            Trigger::AfterCommands { count: 3 },
            Effect::MediumRemoved,
            Times::Once,
        )]);
        for index in 0..3 {
            assert_eq!(faults.check(&command(index, opcode::TEST_UNIT_READY, None)), None);
        }
        let injection = faults.check(&command(3, opcode::READ_10, Some(7..8))).unwrap();
        assert_eq!((injection.effect, injection.lba), (Effect::MediumRemoved, Some(7)));
        assert_eq!(faults.check(&command(4, opcode::TEST_UNIT_READY, None)), None);
    }

    #[test]
    fn opcode_trigger_fires_from_the_kth_occurrence() {
        let mut faults = injector(vec![fault(
            Trigger::OnOpcode {
                opcode: opcode::CLOSE_TRACK_SESSION,
                from: 3,
            },
            Effect::SessionFixationError,
            Times::Always,
        )]);
        let mut fired = Vec::new();
        for index in 0..10 {
            let code = if index % 2 == 0 {
                opcode::CLOSE_TRACK_SESSION
            } else {
                opcode::TEST_UNIT_READY
            };
            fired.push(faults.check(&command(index, code, None)).is_some());
        }
        // Closes at 0, 2, 4, 6, 8: the third is command 4.
        let expected = [false, false, false, false, true, false, true, false, true, false];
        assert_eq!(fired, expected);
    }

    #[test]
    fn once_count_and_always_consume_uses() {
        let trigger = Trigger::OnOpcode {
            opcode: opcode::WRITE_10,
            from: 1,
        };
        for (times, expected) in [
            (Times::Once, 1),
            (Times::Count(3), 3),
            (Times::Count(0), 0),
            (Times::Always, 8),
        ] {
            let mut faults = injector(vec![fault(trigger.clone(), Effect::LossOfStreaming, times)]);
            let fired = (0..8)
                .filter(|&index| faults.check(&command(index, opcode::WRITE_10, Some(0..16))).is_some())
                .count();
            assert_eq!(fired, expected, "{times:?}");
            assert_eq!(faults.fired(0) as usize, expected);
            assert_eq!(faults.is_exhausted(), times != Times::Always, "{times:?}");
        }
    }

    #[test]
    fn first_matching_fault_fires_and_the_others_keep_their_uses() {
        let mut faults = injector(vec![
            fault(Trigger::AfterCommands { count: 0 }, Effect::NoCompletion, Times::Once),
            fault(Trigger::AfterCommands { count: 0 }, Effect::PcaAlmostFull, Times::Once),
        ]);
        let first = faults.check(&command(0, opcode::INQUIRY, None)).unwrap();
        let second = faults.check(&command(1, opcode::INQUIRY, None)).unwrap();
        assert_eq!((first.fault, second.fault), (0, 1));
        assert_eq!(faults.check(&command(2, opcode::INQUIRY, None)), None);
    }

    #[test]
    fn empty_plan_never_fires() {
        let mut faults = FaultInjector::default();
        assert_eq!(faults.check(&command(0, opcode::WRITE_10, Some(0..16))), None);
        assert!(faults.is_exhausted());
    }

    #[test]
    fn sense_of_each_effect_matches_mmc() {
        let senses: Vec<_> = every_effect()
            .iter()
            .map(|e| e.sense().map(|s| s.to_string()))
            .collect();
        let expected = [
            Some("3/0C/00 WRITE_ERROR"),
            Some("3/0C/00 WRITE_ERROR"),
            Some("3/11/05 L_EC_UNCORRECTABLE_ERROR"),
            Some("3/73/03 PCA_ERROR"),
            Some("1/73/01 PCA_ALMOST_FULL"),
            Some("3/0C/09 WRITE_ERROR_LOSS_OF_STREAMING"),
            Some("3/72/00 SESSION_FIXATION_ERROR"),
            None,
            Some("6/28/00 NOT_READY_TO_READY_CHANGE"),
            Some("2/04/01 BECOMING_READY"),
            None,
        ];
        assert_eq!(senses, expected.map(|s| s.map(String::from)));
        assert!(Effect::PcaAlmostFull.is_recovered());
        assert_eq!(Effect::PcaAlmostFull.disposition(), Disposition::CompleteWithSense);
        assert!(Effect::WriteError { deferred: true }.is_deferred());
        assert!(!Effect::WriteError { deferred: false }.is_deferred());
    }

    #[test]
    fn unreadable_sector_sense_carries_the_lba() {
        let injection = Injection {
            fault: 0,
            effect: Effect::UnreadableSector,
            lba: Some(2_295_104),
        };
        let bytes = injection.sense_data().unwrap().to_vec();
        assert_eq!(
            bytes,
            [
                0xF0, 0, 0x03, 0x00, 0x23, 0x05, 0x40, 0x0A, 0, 0, 0, 0, 0x11, 0x05, 0, 0, 0, 0
            ]
        );
    }

    #[test]
    fn deferred_write_error_sense_has_response_code_71() {
        let injection = Injection {
            fault: 0,
            effect: Effect::WriteError { deferred: true },
            lba: None,
        };
        let bytes = injection.sense_data().unwrap().to_vec();
        assert_eq!(bytes[0], 0x71);
        assert_eq!((bytes[2], bytes[12], bytes[13]), (0x03, 0x0C, 0x00));
        // docs/faults.md, "A burn that fails at the last SYNCHRONIZE CACHE".
        let at_5000 = Injection {
            lba: Some(5000),
            ..injection
        };
        assert_eq!(
            at_5000.sense_data().unwrap().to_vec(),
            [0xF1, 0, 0x03, 0, 0, 0x13, 0x88, 0x0A, 0, 0, 0, 0, 0x0C, 0, 0, 0, 0, 0]
        );
        let not_ready = Injection {
            effect: Effect::NotReady { for_ms: 10 },
            lba: Some(5),
            ..injection
        };
        assert_eq!(
            not_ready.sense_data(),
            Some(SenseDataRepr::current(Sense::BECOMING_READY))
        );
    }

    /// Every RON block in docs/faults.md is a plan that loads.
    #[test]
    fn documented_examples_load() {
        let doc = include_str!("../../docs/faults.md");
        let mut blocks = 0;
        for block in doc.split("```ron\n").skip(1) {
            let text = block.split("```").next().unwrap();
            FaultPlan::from_ron(text).unwrap_or_else(|e| panic!("docs/faults.md example: {e}\n{text}"));
            blocks += 1;
        }
        assert!(blocks >= 2);
    }
}
