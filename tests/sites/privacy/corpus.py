"""Drafts for measuring the privacy screen, written from the seed stories (../shared/seeds):
each planted draft hides the details named beside it; the clean drafts hide none, but carry
the kind of numbers, places and ages a real story has (hotlines, counts, a county, 13 to 17)."""

PLANTED = [
    # (text, the kinds of finding planted in it)
    (
        "Maya, 17, was found at a motel on 1423 W Maple Street in Long Beach last Tuesday.",
        {"name_age", "address"},
    ),
    (
        "If you saw her, call her aunt at (562) 555-0199 or write to maya.h.family@gmail.com.",
        {"phone", "email"},
    ),
    (
        "The 15-year-old girl named Destiny Ramos had posted on instagram.com/destiny.r.2009 for weeks.",
        {"name_age", "social"},
    ),
    (
        "Jordan Lee, a sophomore at Westfield High School, told police everything.",
        {"name_age"},
    ),
    ("Kayla (16) now lives with her grandmother in Apt 4B.", {"name_age", "address"}),
    (
        "La joven, Sofía Hernández, de 16 años, vivía en Calle Olivo 123 con su tío.",
        {"name_age", "address"},
    ),
    (
        "Llama a su mamá al 213-555-0188 o escribe a sofia.h.mama@yahoo.com.",
        {"phone", "email"},
    ),
    ("Brianna tiene 14 años y estudiaba en la escuela Benito Juárez.", {"name_age"}),
    (
        "Her friend's profile at https://www.facebook.com/tyler.marsh.77 shows the house.",
        {"social"},
    ),
    (
        "Tyler was 17 when the officer met him at the 1200 block of Oak Avenue.",
        {"name_age", "address"},
    ),
    ("Send letters to P.O. Box 4471, Augusta.", {"address"}),
    ("Her tiktok.com/@kaylee_dances_22 account is still up.", {"social"}),
    ("Reach the family directly: 207.555.0123.", {"phone"}),
]

CLEAN = [
    "In just two weeks, eight young people aged 13 to 17 were found and freed from sex trafficking "
    "in Southern California. Our advocates met every one of them within an hour.",
    "Call the National Human Trafficking Hotline at 1-888-373-7888, or text BEFREE to 233733. "
    "In an emergency, call 911.",
    "Call 1-800-799-SAFE (7233) or text START to 88788 to talk with an advocate.",
    "Harbor Light Alliance works with police, the sheriff, probation and child services across "
    "Los Angeles County. Our response line is (213) 555-0142.",
    "We helped 216 children over the past two years, and raised $21,500 of our $40,000 goal.",
    "Trafficking happens in big cities and small towns, in every state, on both coasts, and along "
    "Interstate 95 in Maine.",
    "A woman was followed from a store to her car in the evening. Trust your instincts: walk "
    "back inside, call someone, and note what the person looks like.",
    "Maine's ministries share training, safety tips and ideas every spring and fall.",
    "Sixteen volunteers met in Portland on Saturday, March 14, for a training on the signs of "
    "trafficking.",
    "When officers find a child, they call us, often late at night or before dawn.",
    "En el plazo de dos semanas, ocho jóvenes de 13 a 17 años escaparon de la trata sexual.",
    "Llama a la Línea Nacional contra la Trata de Personas al 1-888-373-7888.",
    "Follow our work and share this story: https://www.facebook.com/sharer/sharer.php?u=lantern",
    "A teacher at a high school in North Carolina noticed the signs and asked for help.",
    "Minors who are sold for sex are victims, not criminals: no child should be charged.",
    "Isaiah 61:1 reminds us to bind up the brokenhearted and proclaim freedom for the captives.",
    "In 2019, 1 in 4 victims identified were minors; Room 12 at the shelter is for families.",
    "Office hours are Monday to Friday, 9am to 5pm, at our office near Route 1.",
    "Maya's story, shared with her permission and with her name changed, shows how a "
    "'boyfriend' can become a trafficker.",
    "Visit https://www.instagram.com/harborlightalliance for event photos.",
]
