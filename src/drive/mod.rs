//! The emulated drive: tray and medium presence, unit attentions, drive models, mode pages,
//! command dispatch, fault injection and trace. Asks `media::Disc` for every rule (DESIGN.md).
//! Arrives with the emulated-drive issue (#4).
