//! Error accumulation: every mistake in a model is reported at once.

use std::cell::RefCell;
use std::fmt::Display;
use std::thread;

use quote::ToTokens;

/// Where an error belongs in the combined report.
///
/// Attribute parsing, model building and the check pass run one after
/// another, but the report keeps the order of the source: container
/// attributes, then each field in turn, then the rules about the whole model.
/// The first error is what autogen's scanner prints, so the order matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    /// The container's own attributes.
    Container,
    /// The field (or variant) at this position, at this step.
    Field(usize, FieldStep),
    /// Rules over the whole model, reported in the order they are checked.
    Model,
}

/// The steps of one field, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FieldStep {
    /// Its `#[column(...)]` (or `#[db_enum(...)]`) attributes.
    Attrs,
    /// Its column name (or label) against the other fields'.
    Name,
    /// Its Rust type and what the attributes ask of it.
    Type,
    /// Its foreign-key reference.
    References,
}

/// Proof that an error was recorded: only [`Ctxt`] makes one. A pass that
/// cannot produce its value returns this, so [`Ctxt::finish`] never lacks an
/// error to report.
#[derive(Debug, Clone)]
pub struct Reported(syn::Error);

/// Collects errors with their spans while a model is parsed.
///
/// Must be consumed with [`Ctxt::check`] or [`Ctxt::finish`]; dropping it
/// unchecked panics, so no error can be lost on an early return.
pub struct Ctxt {
    errors: RefCell<Vec<(Place, syn::Error)>>,
    // Set by `check`, which consumes the context; `Drop` looks at it.
    checked: bool,
}

impl Default for Ctxt {
    fn default() -> Self {
        Self::new()
    }
}

impl Ctxt {
    /// A context with no errors yet.
    pub fn new() -> Self {
        Ctxt {
            errors: RefCell::new(Vec::new()),
            checked: false,
        }
    }

    /// Records an error spanning `tokens`.
    pub fn error_spanned_by<T: ToTokens, M: Display>(
        &self,
        place: Place,
        tokens: T,
        message: M,
    ) -> Reported {
        // One non-generic call keeps the many instantiations small.
        self.syn_error(
            place,
            syn::Error::new_spanned(tokens.into_token_stream(), message),
        )
    }

    /// Records a ready-made error.
    pub fn syn_error(&self, place: Place, err: syn::Error) -> Reported {
        self.errors.borrow_mut().push((place, err.clone()));
        Reported(err)
    }

    /// All errors combined into one, in report order, or `Ok` when there
    /// were none.
    pub fn check(mut self) -> Result<(), syn::Error> {
        self.checked = true;
        let mut errors = self.errors.take();
        // Stable: errors at one place keep the order they were found in.
        errors.sort_by_key(|(place, _)| *place);
        let mut errors = errors.into_iter().map(|(_, e)| e);
        let Some(mut combined) = errors.next() else {
            return Ok(());
        };
        for rest in errors {
            combined.combine(rest);
        }
        Err(combined)
    }

    /// `value` when no error was recorded, else all errors combined.
    pub fn finish<T>(self, value: Result<T, Reported>) -> Result<T, syn::Error> {
        self.check()?;
        // A `Reported` means its error was recorded, so `check` failed above;
        // this keeps the function total without a panic.
        value.map_err(|Reported(err)| err)
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        if !thread::panicking() && !self.checked {
            panic!("a Ctxt was dropped without checking its errors");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Ctxt, FieldStep, Place};

    #[test]
    fn errors_are_reported_in_source_order() {
        let cx = Ctxt::new();
        let span = proc_macro2::Span::call_site();
        let at = |place, msg: &str| {
            cx.syn_error(place, syn::Error::new(span, msg));
        };
        at(Place::Model, "model");
        at(Place::Field(1, FieldStep::Attrs), "second field");
        at(Place::Field(0, FieldStep::Type), "first field, type");
        at(Place::Field(0, FieldStep::Name), "first field, name");
        at(Place::Container, "container");
        at(Place::Model, "model, later");
        let messages: Vec<String> = cx
            .check()
            .unwrap_err()
            .into_iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(
            messages,
            [
                "container",
                "first field, name",
                "first field, type",
                "second field",
                "model",
                "model, later"
            ]
        );
    }

    #[test]
    #[should_panic(expected = "without checking")]
    fn an_unchecked_context_panics() {
        drop(Ctxt::new());
    }
}
