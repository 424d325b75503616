//! The synthetic town's postal addresses: one per household, made up from its number, so that the demo's letters
//! have an address block. Invented streets and a made-up town; a person with skyddad folkbokföring gets none (their
//! address is not in the register's open part, and the letter goes through Skatteverket).

use domain::person::PostalAddress;

const STREETS: [&str; 12] = [
    "Storgatan",
    "Kyrkogatan",
    "Skolgatan",
    "Järnvägsgatan",
    "Parkvägen",
    "Björkvägen",
    "Ekvägen",
    "Lärkgatan",
    "Solvändan",
    "Ängsvägen",
    "Tallstigen",
    "Östra Långgatan",
];

/// The household's address: a street, a number and sometimes a flat letter, a postcode in a made-up range.
pub(crate) fn household_address(household: usize, town: &str) -> Option<PostalAddress> {
    let street = STREETS
        .get(household % STREETS.len())
        .copied()
        .unwrap_or("Storgatan");
    let number = 1 + (household / STREETS.len()) % 60;
    let flat = ["", " A", " B"].get(household % 3).copied().unwrap_or("");
    let postcode = format!("{}", 29_100 + household % 90);
    // The synthetic town's name may say it is synthetic ("Västerby (syntetisk)"): the post town is the first word.
    let post_town = town.split(" (").next().unwrap_or(town);
    PostalAddress::parse(&format!("{street} {number}{flat}"), &postcode, post_town).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_made_up_from_the_household_number() {
        // Household 13: street 13 % 12 = 1 (Kyrkogatan), number 1 + 13 / 12 = 2, flat 13 % 3 = 1 (A),
        // postcode 29 100 + 13 = 29 113.
        let a = household_address(13, "Västerby (syntetisk)").unwrap();
        assert_eq!(
            PostalAddress::letter_lines(Some(&a), domain::ProtectedIdentity::None),
            ["Kyrkogatan 2 A", "291 13 VÄSTERBY"]
        );
    }
}
