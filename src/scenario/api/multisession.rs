//! `ChooseMultisession`: the decision of IFileSystemImage::put_MultisessionInterfaces
//! (`burn::choose_multisession`, docs/multisession.md) on a list made from the data writer's
//! multisession objects. The image-builder step wraps the same decision; this one exercises it
//! alone, so every row of the decision table has a scenario before the builder lands.

use super::Api;
use super::value::Value;
use crate::burn::{
    ForeignMultisession, FsiMultisessionPolicy, MultisessionRef, MultisessionSequential, Recorder, choose_multisession,
};
use crate::drive::Drive;
use crate::hresult::ImapiResult;
use crate::scenario::api_schema::{ChooseMultisessionStep, MultisessionElement, MultisessionList};
use crate::scenario::expect::Mismatch;

impl Api {
    /// The decision on the list the step names. Reading the writer's MultisessionInterfaces is
    /// part of the step: when it fails (no recorder), that failure is what the step returns.
    pub fn choose_multisession(&self, step: &ChooseMultisessionStep) -> Result<(), Mismatch> {
        let list = match self.list(&step.list) {
            Ok(list) => list,
            Err(error) => return self.judge(step.expect, Err(error), None),
        };
        if let (Some(list), Some(marked)) = (&list, &step.in_use) {
            for (i, element) in list.iter().enumerate() {
                element.set_in_use(marked.contains(&i));
            }
        }
        let policy = FsiMultisessionPolicy { windows: step.windows };
        let result = choose_multisession(list.as_deref(), &policy).map(Value::Chosen);
        self.judge(step.expect, result, step.chosen.map(Value::Chosen).as_ref())
    }

    pub(super) fn list(&self, list: &MultisessionList) -> ImapiResult<Option<Vec<MultisessionRef>>> {
        Ok(match list {
            MultisessionList::Null => None,
            MultisessionList::Writer => Some(self.writer().multisession_interfaces()?),
            MultisessionList::Elements(elements) => {
                let mut list = Vec::with_capacity(elements.len());
                for element in elements {
                    list.push(self.element(*element)?);
                }
                Some(list)
            }
        })
    }

    fn element(&self, element: MultisessionElement) -> ImapiResult<MultisessionRef> {
        Ok(match element {
            MultisessionElement::Sequential => self.writer().multisession_interfaces()?.swap_remove(0),
            MultisessionElement::RandomWrite => self.writer().multisession_interfaces()?.swap_remove(1),
            MultisessionElement::Foreign { supported } => MultisessionRef::Foreign(ForeignMultisession::new(
                "a foreign IMultisession (scenario)",
                supported,
                Some(self.recorder()),
            )),
            MultisessionElement::OtherDrive => {
                let model = self.device.borrow().drive.model().clone();
                let mut drive = Drive::new(model);
                drive.settle();
                let (recorder, _drive) = Recorder::emulated(drive);
                MultisessionRef::Sequential(MultisessionSequential::for_recorder(recorder))
            }
        })
    }
}
