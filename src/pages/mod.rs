//! Pages other than the employee's: the HR preview desk (`preview.html`) and HR's results
//! page (`results.html`), both in the desk's bundle.

pub mod desk;
pub mod results;
