//! What the employee's page loads after its first render, or only on the pages that use
//! it: the sections below the grants (decision support, the terms, the amendments and
//! their acknowledgments, the signing form, the outbox's panel); the courier, and with it
//! everything only the courier reaches (the outbox, signing, the contract's payloads,
//! receipts and checkpoints, their checks); the
//! `<election-widget>` element's code (its stylesheet's copy, reading its inputs); the
//! iframe embed's (its messages and origins). The standalone page's first screen needs
//! none of it.
//!
//! In the release build (`--features lazy`, made by `scripts/build-widget.mjs`),
//! [`start_courier`]'s body is a split point of `wasm-split` (crate `wasm_split_helpers`):
//! the tool moves that body and the code reached only from it into a second wasm file
//! that shares the first one's memory and table, and is fetched the first time
//! [`start_courier`] is called. Without the feature (the tests, a debug build) the same
//! code is called directly. Either way a caller awaits it, and one that fails to load is
//! an error the widget shows and can try again (a failed load is not remembered).

use web_sys::{Element, HtmlElement};

use super::courier::{Delivery, StartArgs};
use crate::components::below::BelowCode;
use crate::embed::element::Connected;

/// A module could not be fetched or instantiated (the network, most often). Its words
/// are the delivery module's, the one the widget names; the embeds say their own.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleUnavailable;

impl std::fmt::Display for ModuleUnavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the part of this page that signs and sends elections could not be loaded")
    }
}

/// Starts the courier, loading its code first where it is a module of its own.
pub async fn start_courier(args: StartArgs) -> Result<Box<dyn Delivery>, ModuleUnavailable> {
    #[cfg(feature = "lazy")]
    {
        split::start(args).await
    }
    #[cfg(not(feature = "lazy"))]
    {
        Ok(args.start())
    }
}

/// Connects an `<election-widget>` element, loading the element's code first where it is
/// a module of its own.
pub async fn connect_element(host: HtmlElement) -> Result<Box<dyn Connected>, ModuleUnavailable> {
    #[cfg(feature = "lazy")]
    {
        split::connect(host).await
    }
    #[cfg(not(feature = "lazy"))]
    {
        Ok(crate::embed::element::connect(host))
    }
}

/// The sections below the employee's grants, when their code is already here (it is,
/// except where it is a module of its own).
pub fn below_now() -> Option<BelowCode> {
    #[cfg(feature = "lazy")]
    {
        None
    }
    #[cfg(not(feature = "lazy"))]
    {
        Some(crate::components::below::code())
    }
}

/// The sections below the employee's grants, loading their code first where it is a
/// module of its own.
pub async fn load_below() -> Result<BelowCode, ModuleUnavailable> {
    #[cfg(feature = "lazy")]
    {
        split::below().await
    }
    #[cfg(not(feature = "lazy"))]
    {
        Ok(crate::components::below::code())
    }
}

/// Runs the iframe embed in `root`, loading its code first where it is a module of its own.
pub async fn run_frame(root: Element) -> Result<(), ModuleUnavailable> {
    #[cfg(feature = "lazy")]
    {
        split::frame(root).await
    }
    #[cfg(not(feature = "lazy"))]
    {
        crate::embed::frame::run(root);
        Ok(())
    }
}

/// The split points. The macro declares the import and export pair wasm-split links
/// (`extern "C"`, hence `unsafe`): the only unsafe code in the widget, allowed here alone
/// (tests/layout.rs keeps it so).
#[cfg(feature = "lazy")]
#[allow(unsafe_code)]
mod split {
    use super::{
        BelowCode, Connected, Delivery, Element, HtmlElement, ModuleUnavailable, StartArgs,
    };

    impl From<wasm_split_helpers::SplitLoaderError> for ModuleUnavailable {
        fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
            ModuleUnavailable
        }
    }

    #[wasm_split_helpers::wasm_split(delivery, fallible)]
    pub fn start(args: StartArgs) -> Result<Box<dyn Delivery>, ModuleUnavailable> {
        Ok(args.start())
    }

    #[wasm_split_helpers::wasm_split(below, fallible)]
    pub fn below() -> Result<BelowCode, ModuleUnavailable> {
        Ok(crate::components::below::code())
    }

    #[wasm_split_helpers::wasm_split(element, fallible)]
    pub fn connect(host: HtmlElement) -> Result<Box<dyn Connected>, ModuleUnavailable> {
        Ok(crate::embed::element::connect(host))
    }

    #[wasm_split_helpers::wasm_split(frame, fallible)]
    pub fn frame(root: Element) -> Result<(), ModuleUnavailable> {
        crate::embed::frame::run(root);
        Ok(())
    }
}
