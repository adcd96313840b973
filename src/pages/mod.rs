//! Pages other than the employee's: the HR preview desk (`preview.html`).

pub mod desk;
