//! The loaded widget: the offer, the employee's grants, the terms and the amendments.

use yew::prelude::*;

use crate::components::amendments::Amendments;
use crate::components::grants_table::GrantsTable;
use crate::components::offer_header::OfferHeader;
use crate::components::terms::Terms;
use crate::loading::Loaded;

#[derive(Debug, Clone, PartialEq, Properties)]
pub struct WidgetProps {
    pub data: Loaded,
}

#[component]
pub fn Widget(props: &WidgetProps) -> Html {
    let Loaded { offer, holder } = &props.data;
    html! {
        <div class="ew" data-state="ready" lang="en">
            <OfferHeader offer={offer.clone()} />
            <GrantsTable offer={offer.clone()} holder={holder.clone()} />
            <Terms offer={offer.clone()} />
            <Amendments offer={offer.clone()} />
        </div>
    }
}
