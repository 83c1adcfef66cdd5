"""Static vocabularies the demo generator draws from: names, titles, companies, pages...

Everything here is plain data (tuples of strings and numbers). Weights are relative, not
probabilities; the generator normalizes them. Fit/intent effects are on a logit-like scale.
"""

from __future__ import annotations

from dataclasses import dataclass

# --------------------------------------------------------------------------------------
# Geography
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Country:
    """A country: canonical name, spellings seen in CRMs, sales region and places."""

    name: str
    code: str
    sales_region: str
    weight: float
    variants: tuple[str, ...]
    tld: str
    places: tuple[tuple[str, tuple[str, ...]], ...]


COUNTRIES: tuple[Country, ...] = (
    Country(
        "United States",
        "US",
        "NA",
        42.0,
        ("USA", "U.S.", "us", "United States of America", "US", "U.S.A."),
        "com",
        (
            ("California", ("San Francisco", "Los Angeles", "San Diego", "San Jose", "Oakland")),
            ("New York", ("New York", "Brooklyn", "Buffalo")),
            ("Texas", ("Austin", "Dallas", "Houston", "San Antonio")),
            ("Washington", ("Seattle", "Bellevue", "Redmond")),
            ("Massachusetts", ("Boston", "Cambridge")),
            ("Illinois", ("Chicago", "Evanston")),
            ("Georgia", ("Atlanta",)),
            ("Colorado", ("Denver", "Boulder")),
            ("Florida", ("Miami", "Tampa", "Orlando")),
            ("North Carolina", ("Raleigh", "Charlotte")),
            ("Pennsylvania", ("Philadelphia", "Pittsburgh")),
            ("Utah", ("Salt Lake City", "Lehi")),
            ("Ohio", ("Columbus", "Cleveland")),
        ),
    ),
    Country(
        "Canada",
        "CA",
        "NA",
        5.0,
        ("CA", "CAN"),
        "ca",
        (
            ("Ontario", ("Toronto", "Ottawa", "Waterloo")),
            ("British Columbia", ("Vancouver",)),
            ("Quebec", ("Montreal", "Quebec City")),
            ("Alberta", ("Calgary", "Edmonton")),
        ),
    ),
    Country(
        "United Kingdom",
        "GB",
        "EMEA",
        9.0,
        ("UK", "Great Britain", "GB", "U.K.", "England"),
        "co.uk",
        (
            ("England", ("London", "Manchester", "Bristol", "Leeds", "Cambridge")),
            ("Scotland", ("Edinburgh", "Glasgow")),
            ("Wales", ("Cardiff",)),
        ),
    ),
    Country(
        "Germany",
        "DE",
        "EMEA",
        6.0,
        ("Deutschland", "DE"),
        "de",
        (
            ("Berlin", ("Berlin",)),
            ("Bavaria", ("Munich", "Nuremberg")),
            ("Hamburg", ("Hamburg",)),
            ("Hesse", ("Frankfurt",)),
            ("North Rhine-Westphalia", ("Cologne", "Düsseldorf")),
        ),
    ),
    Country(
        "France",
        "FR",
        "EMEA",
        4.0,
        ("FR",),
        "fr",
        (
            ("Ile-de-France", ("Paris",)),
            ("Auvergne-Rhone-Alpes", ("Lyon", "Grenoble")),
            ("Occitanie", ("Toulouse", "Montpellier")),
        ),
    ),
    Country(
        "Netherlands",
        "NL",
        "EMEA",
        2.5,
        ("NL", "Holland"),
        "nl",
        (
            ("North Holland", ("Amsterdam", "Haarlem")),
            ("South Holland", ("Rotterdam", "The Hague")),
            ("Utrecht", ("Utrecht",)),
        ),
    ),
    Country(
        "Spain",
        "ES",
        "EMEA",
        2.0,
        ("ES", "España"),
        "es",
        (("Madrid", ("Madrid",)), ("Catalonia", ("Barcelona",)), ("Valencia", ("Valencia",))),
    ),
    Country(
        "Sweden",
        "SE",
        "EMEA",
        1.5,
        ("SE", "Sverige"),
        "se",
        (("Stockholm County", ("Stockholm",)), ("Vastra Gotaland", ("Gothenburg",))),
    ),
    Country(
        "Ireland",
        "IE",
        "EMEA",
        1.5,
        ("IE",),
        "ie",
        (("Leinster", ("Dublin",)), ("Munster", ("Cork", "Limerick"))),
    ),
    Country(
        "Poland",
        "PL",
        "EMEA",
        1.0,
        ("PL", "Polska"),
        "pl",
        (("Masovia", ("Warsaw",)), ("Lesser Poland", ("Krakow",))),
    ),
    Country("Israel", "IL", "EMEA", 1.0, ("IL",), "co.il", (("Tel Aviv District", ("Tel Aviv",)),)),
    Country(
        "South Africa",
        "ZA",
        "EMEA",
        0.8,
        ("ZA",),
        "co.za",
        (("Gauteng", ("Johannesburg", "Pretoria")), ("Western Cape", ("Cape Town",))),
    ),
    Country(
        "India",
        "IN",
        "APAC",
        4.0,
        ("IN", "Bharat"),
        "in",
        (
            ("Karnataka", ("Bangalore",)),
            ("Maharashtra", ("Mumbai", "Pune")),
            ("Delhi", ("New Delhi",)),
            ("Telangana", ("Hyderabad",)),
        ),
    ),
    Country(
        "Japan",
        "JP",
        "APAC",
        2.0,
        ("JP", "JPN"),
        "co.jp",
        (("Tokyo", ("Tokyo",)), ("Osaka", ("Osaka",))),
    ),
    Country(
        "Australia",
        "AU",
        "APAC",
        3.0,
        ("AU", "AUS"),
        "com.au",
        (
            ("New South Wales", ("Sydney",)),
            ("Victoria", ("Melbourne",)),
            ("Queensland", ("Brisbane",)),
        ),
    ),
    Country("Singapore", "SG", "APAC", 1.5, ("SG",), "sg", (("Singapore", ("Singapore",)),)),
    Country(
        "Brazil",
        "BR",
        "LATAM",
        3.0,
        ("BR", "Brasil"),
        "com.br",
        (("São Paulo", ("São Paulo", "Campinas")), ("Rio de Janeiro", ("Rio de Janeiro",))),
    ),
    Country(
        "Mexico",
        "MX",
        "LATAM",
        2.0,
        ("MX", "México"),
        "com.mx",
        (
            ("Mexico City", ("Mexico City",)),
            ("Jalisco", ("Guadalajara",)),
            ("Nuevo Leon", ("Monterrey",)),
        ),
    ),
    Country(
        "Argentina", "AR", "LATAM", 1.0, ("AR",), "com.ar", (("Buenos Aires", ("Buenos Aires",)),)
    ),
    Country(
        "Colombia",
        "CO",
        "LATAM",
        1.0,
        ("CO",),
        "com.co",
        (("Bogota D.C.", ("Bogota",)), ("Antioquia", ("Medellin",))),
    ),
    Country(
        "Chile", "CL", "LATAM", 0.8, ("CL",), "cl", (("Santiago Metropolitan", ("Santiago",)),)
    ),
)

#: Fit effect of the company's sales region (the product sells best in North America).
REGION_FIT: dict[str, float] = {"NA": 0.35, "EMEA": 0.15, "APAC": -0.1, "LATAM": -0.3}

#: UTC offsets CRM exports sometimes render timestamps in.
UTC_OFFSETS_MINUTES: tuple[int, ...] = (-480, -420, -360, -300, -240, -180, 60, 120, 330, 540, 600)

# --------------------------------------------------------------------------------------
# Companies
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Industry:
    """An industry with its spellings, fit effect and typical revenue per employee (USD)."""

    name: str
    variants: tuple[str, ...]
    weight: float
    fit: float
    revenue_per_employee: float


INDUSTRIES: tuple[Industry, ...] = (
    Industry("Software", ("Computer Software", "SaaS", "software"), 16, 0.7, 260_000),
    Industry("Financial Services", ("Finance", "Banking", "FinTech"), 10, 0.45, 420_000),
    Industry("E-commerce", ("Ecommerce", "Online Retail"), 7, 0.35, 280_000),
    Industry(
        "Marketing & Advertising", ("Marketing and Advertising", "Advertising"), 7, 0.3, 160_000
    ),
    Industry("Telecommunications", ("Telecom", "Telco"), 4, 0.2, 380_000),
    Industry("Healthcare", ("Health Care", "Hospital & Health Care"), 8, 0.05, 210_000),
    Industry("Professional Services", ("Consulting", "Management Consulting"), 8, 0.1, 150_000),
    Industry("Manufacturing", ("Industrial Manufacturing", "manufacturing"), 8, -0.05, 230_000),
    Industry("Media & Entertainment", ("Media", "Entertainment"), 5, 0.0, 210_000),
    Industry("Logistics & Transportation", ("Logistics", "Transportation"), 5, 0.0, 200_000),
    Industry("Retail", ("Supermarkets", "retail"), 6, -0.1, 180_000),
    Industry("Energy", ("Oil & Energy", "Utilities"), 3, -0.05, 520_000),
    Industry("Real Estate", ("Commercial Real Estate", "Property Management"), 3, -0.3, 250_000),
    Industry("Education", ("Higher Education", "E-Learning"), 5, -0.6, 90_000),
    Industry("Government", ("Public Sector", "Government Administration"), 3, -0.8, 120_000),
    Industry("Non-profit", ("NGO", "Nonprofit Organization Management"), 2, -0.7, 80_000),
)

COMPANY_WORDS_A: tuple[str, ...] = (
    "Acme", "Apex", "Arbor", "Atlas", "Aurora", "Axis", "Beacon", "Bison", "Blue", "Bolt",
    "Bright", "Brook", "Cascade", "Cedar", "Cinder", "Cobalt", "Comet", "Copper", "Coral",
    "Crescent", "Crest", "Crimson", "Delta", "Drift", "Echo", "Ember", "Evergreen", "Falcon",
    "Fern", "Flint", "Forge", "Fox", "Frontier", "Galaxy", "Garnet", "Glacier", "Golden",
    "Granite", "Graph", "Harbor", "Hawk", "Helix", "Horizon", "Indigo", "Iron", "Ivy", "Jade",
    "Juniper", "Keystone", "Kinetic", "Lantern", "Lark", "Laurel", "Lumen", "Lunar", "Maple",
    "Marble", "Meadow", "Meridian", "Mesa", "Nimbus", "Noble", "North", "Nova", "Oak", "Onyx",
    "Orbit", "Orchid", "Pacific", "Peak", "Pine", "Pioneer", "Pixel", "Polar", "Prairie",
    "Prism", "Pulse", "Quantum", "Quartz", "Radiant", "Raven", "Redwood", "Ridge", "River",
    "Rocket", "Sable", "Sage", "Sapphire", "Sequoia", "Shore", "Sierra", "Signal", "Silver",
    "Slate", "Solar", "Spark", "Spruce", "Starling", "Sterling", "Stone", "Summit", "Swift",
    "Tidal", "Timber", "Titan", "Trail", "True", "Tundra", "Umber", "Vantage", "Vector",
    "Velvet", "Vertex", "Vista", "Wave", "Willow", "Wind", "Zenith", "Zephyr",
)  # fmt: skip

COMPANY_WORDS_B: tuple[str, ...] = (
    "Analytics", "Bank", "Bio", "Capital", "Cloud", "Commerce", "Consulting", "Data",
    "Designs", "Devices", "Digital", "Dynamics", "Energy", "Engineering", "Foods", "Freight",
    "Health", "Holdings", "Hub", "Industries", "Insights", "Labs", "Learning", "Logic",
    "Logistics", "Machines", "Media", "Medical", "Metrics", "Mobility", "Motors", "Networks",
    "Optics", "Partners", "Pay", "Pharma", "Power", "Retail", "Robotics", "Security",
    "Software", "Solutions", "Studios", "Supply", "Systems", "Tech", "Telecom", "Travel",
    "Ventures", "Works",
)  # fmt: skip

#: Name and domain patterns built from two words A and B:
#: (separator, B in lower case?, name suffix, domain prefix, domain suffix).
#: E.g. ("", True, "", "get", "") gives "Acmelabs" at getacmelabs.<tld>.
COMPANY_PATTERNS: tuple[tuple[str, bool, str, str, str], ...] = (
    (" ", False, "", "", ""),
    ("", True, "", "", ""),
    (" ", False, " Group", "", "group"),
    (" ", False, "", "get", ""),
    (" ", False, " Global", "", "-global"),
    (" ", False, "", "", "hq"),
    (" ", False, " Co", "", "co"),
    (" ", False, " International", "", "intl"),
)

LEGAL_SUFFIXES: dict[str, tuple[str, ...]] = {
    "NA": ("", "", "Inc.", "LLC", "Corp."),
    "EMEA": ("", "", "Ltd", "GmbH", "SAS", "B.V.", "AB", "S.L."),
    "APAC": ("", "", "Pty Ltd", "Pvt Ltd", "K.K.", "Pte. Ltd."),
    "LATAM": ("", "", "S.A.", "S.A. de C.V.", "Ltda."),
}

#: (technology, how common it is, fit effect of using it)
TECHNOLOGIES: tuple[tuple[str, float, float], ...] = (
    ("Salesforce", 0.30, 0.25),
    ("HubSpot", 0.25, 0.15),
    ("Snowflake", 0.12, 0.45),
    ("BigQuery", 0.10, 0.35),
    ("Databricks", 0.06, 0.4),
    ("dbt", 0.06, 0.5),
    ("Segment", 0.08, 0.4),
    ("AWS", 0.45, 0.15),
    ("Google Cloud", 0.20, 0.1),
    ("Microsoft Azure", 0.25, 0.0),
    ("Kubernetes", 0.15, 0.2),
    ("Docker", 0.25, 0.1),
    ("Slack", 0.50, 0.05),
    ("Microsoft Teams", 0.35, 0.0),
    ("Zoom", 0.50, 0.0),
    ("Jira", 0.35, 0.05),
    ("Confluence", 0.25, 0.0),
    ("GitHub", 0.35, 0.1),
    ("GitLab", 0.10, 0.1),
    ("Zendesk", 0.15, 0.0),
    ("Intercom", 0.10, 0.1),
    ("Stripe", 0.15, 0.1),
    ("Shopify", 0.10, 0.0),
    ("Marketo", 0.08, 0.15),
    ("Pardot", 0.05, 0.05),
    ("Tableau", 0.12, 0.2),
    ("Looker", 0.08, 0.3),
    ("Power BI", 0.15, 0.05),
    ("Google Analytics", 0.55, 0.0),
    ("Mixpanel", 0.05, 0.2),
    ("Amplitude", 0.05, 0.2),
    ("Okta", 0.10, 0.1),
    ("Workday", 0.08, 0.0),
    ("SAP", 0.10, -0.1),
    ("Oracle", 0.10, -0.1),
    ("WordPress", 0.30, -0.15),
    ("Mailchimp", 0.15, -0.2),
)

# --------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------

FIRST_NAMES: tuple[str, ...] = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
    "Sarah", "Charles", "Karen", "Christopher", "Lisa", "Daniel", "Nancy", "Matthew", "Betty",
    "Anthony", "Sandra", "Mark", "Ashley", "Steven", "Emily", "Andrew", "Michelle", "Joshua",
    "Amanda", "Kevin", "Melissa", "Brian", "Stephanie", "Ryan", "Rebecca", "Jacob", "Laura",
    "Nicholas", "Rachel", "Eric", "Megan", "Jonathan", "Hannah", "Samuel", "Olivia", "Ethan",
    "Sophia", "Noah", "Emma", "Liam", "Ava", "Lucas", "Mia", "Oliver", "Chloe", "Leo", "Zoe",
    "Priya", "Arjun", "Ananya", "Rahul", "Aisha", "Mohammed", "Fatima", "Omar", "Yuki",
    "Hiroshi", "Sakura", "Kenji", "Wei", "Mei", "Jun", "Li", "Min-jun", "Ji-woo", "Carlos",
    "Sofia", "Mateo", "Valentina", "Diego", "Camila", "Lucia", "Javier", "Ana", "João",
    "Beatriz", "Pedro", "Lukas", "Anna", "Felix", "Lea", "Maximilian", "Clara", "Pierre",
    "Camille", "Louis", "Chloé", "Hugo", "Manon", "Lars", "Ingrid", "Sven", "Astrid", "Noa",
    "Daan", "Sanne", "Sean", "Aoife", "Ciaran", "Siobhan", "Tomasz", "Katarzyna", "Thabo",
    "Naledi", "Kwame", "Amara", "Avi", "Tamar", "Raj", "Neha", "Vikram", "Deepa", "Chen",
    "Xin", "Hana", "Takumi", "Isabela", "Gabriel", "Renata", "Andrés", "Paula",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Patel", "Shah", "Singh", "Kumar",
    "Gupta", "Sharma", "Reddy", "Iyer", "Khan", "Ali", "Hassan", "Cohen", "Levi", "Tanaka",
    "Suzuki", "Sato", "Watanabe", "Kim", "Park", "Choi", "Wang", "Li", "Zhang", "Chen", "Liu",
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Dubois",
    "Bernard", "Moreau", "Laurent", "Lefebvre", "Rossi", "Russo", "Ferrari", "Silva", "Santos",
    "Oliveira", "Souza", "Pereira", "Costa", "Fernández", "Jiménez", "Ruiz", "Díaz", "Moreno",
    "Jansen", "de Vries", "van Dijk", "Bakker", "Andersson", "Johansson", "Karlsson",
    "Nilsson", "Murphy", "Kelly", "O'Brien", "Byrne", "Kowalski", "Nowak", "Wiśniewski",
    "Dlamini", "Nkosi", "Mensah", "Okafor", "O'Connor", "McDonald", "MacLeod", "Fraser",
)  # fmt: skip

SENIORITIES: tuple[str, ...] = ("c_level", "vp", "director", "manager", "ic", "student")
SENIORITY_WEIGHT: dict[str, float] = {
    "c_level": 6,
    "vp": 7,
    "director": 13,
    "manager": 22,
    "ic": 46,
    "student": 6,
}
SENIORITY_FIT: dict[str, float] = {
    "c_level": 0.9,
    "vp": 1.0,
    "director": 0.8,
    "manager": 0.35,
    "ic": -0.1,
    "student": -1.8,
}

FUNCTIONS: tuple[str, ...] = (
    "executive", "engineering", "it", "marketing", "sales", "finance", "operations", "hr",
    "product", "other",
)  # fmt: skip
FUNCTION_WEIGHT: dict[str, float] = {
    "executive": 3,
    "engineering": 22,
    "it": 14,
    "marketing": 20,
    "sales": 14,
    "finance": 7,
    "operations": 10,
    "hr": 5,
    "product": 8,
    "other": 3,
}
FUNCTION_FIT: dict[str, float] = {
    "executive": 0.4,
    "engineering": 0.2,
    "it": 0.1,
    "marketing": 0.7,
    "sales": 0.5,
    "finance": -0.3,
    "operations": 0.3,
    "hr": -0.7,
    "product": 0.3,
    "other": -0.4,
}

#: (title, seniority, function)
JOB_TITLES: tuple[tuple[str, str, str], ...] = (
    ("CEO", "c_level", "executive"),
    ("Chief Executive Officer", "c_level", "executive"),
    ("Co-Founder", "c_level", "executive"),
    ("Founder", "c_level", "executive"),
    ("President", "c_level", "executive"),
    ("COO", "c_level", "operations"),
    ("Chief Operating Officer", "c_level", "operations"),
    ("CTO", "c_level", "engineering"),
    ("Chief Technology Officer", "c_level", "engineering"),
    ("CIO", "c_level", "it"),
    ("Chief Information Officer", "c_level", "it"),
    ("Chief Data Officer", "c_level", "it"),
    ("CMO", "c_level", "marketing"),
    ("Chief Marketing Officer", "c_level", "marketing"),
    ("CRO", "c_level", "sales"),
    ("Chief Revenue Officer", "c_level", "sales"),
    ("CFO", "c_level", "finance"),
    ("Chief Financial Officer", "c_level", "finance"),
    ("Chief People Officer", "c_level", "hr"),
    ("Chief Product Officer", "c_level", "product"),
    ("VP of Engineering", "vp", "engineering"),
    ("VP Engineering", "vp", "engineering"),
    ("SVP Engineering", "vp", "engineering"),
    ("VP of IT", "vp", "it"),
    ("VP of Infrastructure", "vp", "it"),
    ("VP of Data", "vp", "it"),
    ("VP of Marketing", "vp", "marketing"),
    ("VP Marketing", "vp", "marketing"),
    ("VP of Demand Generation", "vp", "marketing"),
    ("VP of Growth", "vp", "marketing"),
    ("VP of Sales", "vp", "sales"),
    ("VP Sales", "vp", "sales"),
    ("VP of Revenue Operations", "vp", "operations"),
    ("VP of Finance", "vp", "finance"),
    ("VP Operations", "vp", "operations"),
    ("VP of People", "vp", "hr"),
    ("VP of Product", "vp", "product"),
    ("Director of Engineering", "director", "engineering"),
    ("Engineering Director", "director", "engineering"),
    ("Head of Engineering", "director", "engineering"),
    ("Director of IT", "director", "it"),
    ("IT Director", "director", "it"),
    ("Head of Data", "director", "it"),
    ("Director of Data Engineering", "director", "it"),
    ("Head of IT", "director", "it"),
    ("Director of Marketing", "director", "marketing"),
    ("Marketing Director", "director", "marketing"),
    ("Director of Demand Generation", "director", "marketing"),
    ("Director of Marketing Operations", "director", "marketing"),
    ("Head of Marketing", "director", "marketing"),
    ("Head of Growth", "director", "marketing"),
    ("Sales Director", "director", "sales"),
    ("Director of Sales", "director", "sales"),
    ("Head of Sales", "director", "sales"),
    ("Director of Revenue Operations", "director", "operations"),
    ("Director of Finance", "director", "finance"),
    ("Finance Director", "director", "finance"),
    ("Director of Operations", "director", "operations"),
    ("HR Director", "director", "hr"),
    ("Head of People", "director", "hr"),
    ("Director of Product", "director", "product"),
    ("Head of Product", "director", "product"),
    ("Engineering Manager", "manager", "engineering"),
    ("Software Engineering Manager", "manager", "engineering"),
    ("Data Engineering Manager", "manager", "it"),
    ("IT Manager", "manager", "it"),
    ("BI Manager", "manager", "it"),
    ("Marketing Manager", "manager", "marketing"),
    ("Senior Marketing Manager", "manager", "marketing"),
    ("Demand Generation Manager", "manager", "marketing"),
    ("Marketing Operations Manager", "manager", "marketing"),
    ("Content Marketing Manager", "manager", "marketing"),
    ("Sales Manager", "manager", "sales"),
    ("Regional Sales Manager", "manager", "sales"),
    ("Sales Operations Manager", "manager", "operations"),
    ("Revenue Operations Manager", "manager", "operations"),
    ("Finance Manager", "manager", "finance"),
    ("Controller", "manager", "finance"),
    ("Operations Manager", "manager", "operations"),
    ("HR Manager", "manager", "hr"),
    ("Recruiting Manager", "manager", "hr"),
    ("Product Manager", "manager", "product"),
    ("Senior Product Manager", "manager", "product"),
    ("Office Manager", "manager", "other"),
    ("Software Engineer", "ic", "engineering"),
    ("Senior Software Engineer", "ic", "engineering"),
    ("Staff Engineer", "ic", "engineering"),
    ("Backend Developer", "ic", "engineering"),
    ("Frontend Developer", "ic", "engineering"),
    ("Full Stack Developer", "ic", "engineering"),
    ("DevOps Engineer", "ic", "engineering"),
    ("Site Reliability Engineer", "ic", "engineering"),
    ("Data Engineer", "ic", "it"),
    ("Analytics Engineer", "ic", "it"),
    ("Data Analyst", "ic", "it"),
    ("Systems Administrator", "ic", "it"),
    ("IT Specialist", "ic", "it"),
    ("Network Engineer", "ic", "it"),
    ("Help Desk Technician", "ic", "it"),
    ("Solutions Architect", "ic", "engineering"),
    ("Marketing Specialist", "ic", "marketing"),
    ("Marketing Coordinator", "ic", "marketing"),
    ("Growth Marketer", "ic", "marketing"),
    ("SEO Specialist", "ic", "marketing"),
    ("Marketing Analyst", "ic", "marketing"),
    ("Account Executive", "ic", "sales"),
    ("Sales Development Representative", "ic", "sales"),
    ("Business Development Representative", "ic", "sales"),
    ("Account Manager", "ic", "sales"),
    ("Customer Success Manager", "ic", "sales"),
    ("Sales Operations Analyst", "ic", "operations"),
    ("Financial Analyst", "ic", "finance"),
    ("Accountant", "ic", "finance"),
    ("Operations Analyst", "ic", "operations"),
    ("Business Analyst", "ic", "operations"),
    ("Recruiter", "ic", "hr"),
    ("HR Generalist", "ic", "hr"),
    ("Product Designer", "ic", "product"),
    ("UX Designer", "ic", "product"),
    ("Product Analyst", "ic", "product"),
    ("Consultant", "ic", "other"),
    ("Student", "student", "other"),
    ("Graduate Student", "student", "other"),
    ("PhD Candidate", "student", "other"),
    ("MBA Candidate", "student", "other"),
    ("Software Engineering Intern", "student", "engineering"),
    ("Marketing Intern", "student", "marketing"),
    ("Intern", "student", "other"),
    ("Research Assistant", "student", "other"),
)

#: Abbreviated or decorated spellings of some titles (noisy job titles).
TITLE_ALIASES: dict[str, tuple[str, ...]] = {
    "VP of Engineering": ("VP Eng", "VP, Engineering", "V.P. Engineering"),
    "VP Engineering": ("VP Eng",),
    "VP of Marketing": ("VP Mktg", "VP, Marketing"),
    "VP of Sales": ("VP Sales & BD", "VP, Sales"),
    "Senior Marketing Manager": ("Sr. Mgr, Marketing", "Sr Marketing Mgr"),
    "Marketing Manager": ("Mktg Manager", "Marketing Mgr"),
    "CEO": ("CEO & Founder", "Founder/CEO", "CEO and Co-Founder"),
    "Co-Founder": ("Cofounder", "Co-founder & CTO"),
    "CTO": ("CTO / Co-Founder",),
    "Director of IT": ("Dir. IT", "Dir of IT"),
    "Director of Engineering": ("Dir. Engineering", "Eng Director"),
    "Software Engineer": ("SWE", "Software Eng."),
    "Senior Software Engineer": ("Sr. Software Engineer", "Sr SWE"),
    "Sales Development Representative": ("SDR",),
    "Business Development Representative": ("BDR",),
    "Account Executive": ("AE", "Sr. Account Exec"),
    "Head of Marketing": ("Head of Growth & Marketing",),
    "Product Manager": ("PM", "Product Mgr"),
    "Engineering Manager": ("Eng Manager", "EM"),
    "Chief Revenue Officer": ("Chief Revenue Officer (CRO)",),
    "Marketing Operations Manager": ("Marketing Ops Manager", "MOPs Manager"),
}

#: Word abbreviations that give more titles an abbreviated spelling ("Sr. Data Engr").
TITLE_ABBREVIATIONS: dict[str, str] = {
    "Senior": "Sr.",
    "Manager": "Mgr",
    "Director": "Dir.",
    "Engineering": "Eng",
    "Engineer": "Engr",
    "Marketing": "Mktg",
    "Operations": "Ops",
    "Development": "Dev",
    "Representative": "Rep",
    "Vice President": "VP",
    "Information Technology": "IT",
    "Human Resources": "HR",
}

#: Typos a hurried rep makes (applied to the first matching word of a title).
TITLE_TYPOS: dict[str, str] = {
    "Manager": "Manger",
    "Engineer": "Enginer",
    "Director": "Direcor",
    "Marketing": "Markting",
    "Software": "Sofware",
    "Operations": "Opertions",
    "Analyst": "Analist",
    "Officer": "Oficer",
    "Developer": "Develper",
    "Specialist": "Specalist",
}

PERSONAL_EMAIL_DOMAINS: tuple[tuple[str, float], ...] = (
    ("gmail.com", 50),
    ("yahoo.com", 10),
    ("hotmail.com", 9),
    ("outlook.com", 9),
    ("icloud.com", 6),
    ("aol.com", 2),
    ("protonmail.com", 2),
    ("gmx.de", 3),
    ("web.de", 2),
    ("yahoo.co.uk", 2),
    ("live.com", 2),
    ("hotmail.co.uk", 2),
)

STUDENT_EMAIL_DOMAINS: tuple[str, ...] = (
    "stanford.edu", "mit.edu", "berkeley.edu", "umich.edu", "utexas.edu", "nyu.edu",
    "cmu.edu", "gatech.edu", "uw.edu", "harvard.edu", "ox.ac.uk", "cam.ac.uk",
    "imperial.ac.uk", "ucl.ac.uk", "ed.ac.uk", "manchester.ac.uk",
)  # fmt: skip

#: (lead source, weight, intent shift, created through a website form?)
LEAD_SOURCES: tuple[tuple[str, float, float, bool], ...] = (
    ("organic_search", 22, 0.0, True),
    ("paid_search", 13, 0.15, True),
    ("content_download", 14, -0.1, True),
    ("social", 6, -0.25, True),
    ("direct", 4, 0.25, True),
    ("referral", 8, 0.45, True),
    ("event", 12, 0.1, False),
    ("outbound", 15, -0.45, False),
    ("partner", 6, 0.35, False),
)

# --------------------------------------------------------------------------------------
# Lifecycle, deals, sales
# --------------------------------------------------------------------------------------

#: Lifecycle stages in order, as HubSpot exports their internal names.
LIFECYCLE_STAGES: tuple[str, ...] = (
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
)
#: Short labels some exports use instead of the internal names.
LIFECYCLE_SHORT_LABELS: dict[str, str] = {
    "marketingqualifiedlead": "MQL",
    "salesqualifiedlead": "SQL",
}

#: Open deal stages in pipeline order, then the two closed stages.
DEAL_OPEN_STAGES: tuple[str, ...] = (
    "appointment scheduled",
    "qualified to buy",
    "presentation scheduled",
    "decision maker bought in",
    "contract sent",
)
DEAL_WON = "closed won"
DEAL_LOST = "closed lost"
PIPELINES: tuple[str, ...] = ("Sales Pipeline", "Partner Pipeline")
DEAL_PRODUCTS: tuple[str, ...] = ("Platform", "Growth plan", "Enterprise plan", "Starter plan")
DEAL_ROLES: tuple[str, ...] = ("decision_maker", "champion", "influencer", "end_user", "billing")

SALES_REP_IDS: tuple[str, ...] = tuple(str(81_234_500 + 17 * i) for i in range(14))

# --------------------------------------------------------------------------------------
# Custom properties
# --------------------------------------------------------------------------------------

BUDGET_RANGES: tuple[str, ...] = ("Under $10k", "$10k-$50k", "$50k-$100k", "$100k+", "Not sure")
PURCHASE_TIMELINES: tuple[str, ...] = (
    "Just researching",
    "6-12 months",
    "Next quarter",
    "This quarter",
)
PRODUCT_INTERESTS: tuple[str, ...] = (
    "Lead scoring",
    "Analytics",
    "Automation",
    "Integrations",
    "Security & compliance",
    "Enterprise plan",
)
CONTACT_METHODS: tuple[str, ...] = ("Email", "Phone", "Video call")

# --------------------------------------------------------------------------------------
# Website
# --------------------------------------------------------------------------------------

SITE = "https://www.example-saas.com"

#: Page categories with (weight logit, intent slope, fit slope) for page-view choice.
PAGE_CATEGORIES: dict[str, tuple[float, float, float]] = {
    "home": (1.2, 0.0, 0.0),
    "blog": (1.6, -0.5, -0.1),
    "product": (0.5, 0.3, 0.2),
    "pricing": (-1.1, 1.0, 0.3),
    "case_study": (-1.0, 0.6, 0.2),
    "docs": (-0.2, 0.2, 0.3),
    "demo": (-2.6, 1.1, 0.3),
    "contact": (-2.3, 0.6, 0.1),
    "about": (-1.0, 0.0, 0.0),
    "careers": (-1.6, -0.6, -0.6),
    "resources": (-0.7, 0.0, 0.0),
    "webinar": (-1.4, 0.2, 0.1),
    "integrations": (-0.9, 0.4, 0.2),
}

PAGES: dict[str, tuple[str, ...]] = {
    "home": ("/",),
    "blog": (
        "/blog",
        "/blog/what-is-lead-scoring",
        "/blog/mql-vs-sql",
        "/blog/predictive-lead-scoring",
        "/blog/crm-data-quality-checklist",
        "/blog/intent-data-101",
        "/blog/b2b-funnel-metrics",
        "/blog/account-based-marketing-guide",
        "/blog/sales-and-marketing-alignment",
        "/blog/attribution-models-compared",
        "/blog/first-party-data",
        "/blog/pipeline-velocity",
        "/blog/reverse-etl-explained",
        "/blog/cdp-vs-crm",
        "/blog/email-deliverability-tips",
        "/blog/webinar-playbook",
        "/blog/product-led-growth-metrics",
        "/blog/building-an-icp",
        "/blog/buyer-intent-signals",
        "/blog/cold-email-benchmarks",
        "/blog/dbt-for-revops",
    ),
    "product": (
        "/product",
        "/product/scoring",
        "/product/analytics",
        "/product/automation",
        "/product/audiences",
    ),
    "pricing": ("/pricing",),
    "case_study": (
        "/case-studies",
        "/case-studies/northwind",
        "/case-studies/globex",
        "/case-studies/initech",
        "/case-studies/umbrella-health",
        "/case-studies/hooli",
        "/case-studies/wayne-finance",
    ),
    "docs": (
        "/docs",
        "/docs/getting-started",
        "/docs/api",
        "/docs/api/authentication",
        "/docs/integrations/salesforce",
        "/docs/integrations/hubspot",
        "/docs/sdk/python",
        "/docs/sdk/javascript",
        "/docs/webhooks",
        "/docs/data-model",
        "/docs/scoring-rules",
        "/docs/security",
    ),
    "demo": ("/demo",),
    "contact": ("/contact",),
    "about": ("/about", "/customers", "/security", "/partners"),
    "careers": ("/careers", "/careers/senior-data-engineer", "/careers/account-executive"),
    "resources": (
        "/resources",
        "/resources/ebook-lead-scoring-playbook",
        "/resources/ebook-revops-guide",
        "/resources/icp-worksheet",
        "/resources/state-of-b2b-pipeline",
    ),
    "webinar": (
        "/webinars",
        "/webinars/scoring-that-sales-trusts",
        "/webinars/from-mql-to-revenue",
        "/webinars/data-quality-for-revops",
    ),
    "integrations": (
        "/integrations",
        "/integrations/salesforce",
        "/integrations/hubspot",
        "/integrations/snowflake",
        "/integrations/segment",
    ),
}

#: Forms: (form name, page it lives on).
FORMS: tuple[tuple[str, str], ...] = (
    ("Contact us", "/contact"),
    ("Newsletter", "/blog"),
    ("Demo request", "/demo"),
    ("Ebook download", "/resources/ebook-lead-scoring-playbook"),
    ("Webinar registration", "/webinars/from-mql-to-revenue"),
)
FORM_CONTACT, FORM_NEWSLETTER, FORM_DEMO, FORM_EBOOK, FORM_WEBINAR = range(5)

#: Calls to action: (name, weight logit, intent slope).
CTAS: tuple[tuple[str, float, float], ...] = (
    ("Book a demo", -0.5, 0.9),
    ("Talk to sales", -1.2, 0.9),
    ("See pricing", -0.3, 0.6),
    ("Start free trial", -0.2, 0.5),
    ("Download the ebook", 0.3, -0.2),
    ("Subscribe", 0.4, -0.4),
    ("Register for the webinar", -0.3, 0.1),
    ("Read the case study", -0.4, 0.3),
)

#: Query strings a landing page may carry, by traffic source.
QUERIES_PAID: tuple[str, ...] = (
    "?utm_source=google&utm_medium=cpc&utm_campaign=brand",
    "?utm_source=google&utm_medium=cpc&utm_campaign=lead-scoring&gclid=Cj0KCQiA",
    "?utm_source=linkedin&utm_medium=paid_social&utm_campaign=abm",
    "?utm_source=bing&utm_medium=cpc&utm_campaign=competitors",
)
QUERIES_SOCIAL: tuple[str, ...] = (
    "?utm_source=linkedin&utm_medium=social",
    "?utm_source=twitter&utm_medium=social&utm_campaign=launch",
)
QUERIES_OTHER: tuple[str, ...] = ("?ref=nav", "?ref=footer", "?ref=producthunt", "?page=2")

#: External referrers: (url or "" for none, weight, query family: "", "paid", "social").
REFERRERS: tuple[tuple[str, float, str], ...] = (
    ("", 25, ""),
    ("https://www.google.com/", 30, ""),
    ("https://www.google.com/", 9, "paid"),
    ("https://www.bing.com/", 4, ""),
    ("https://duckduckgo.com/", 2, ""),
    ("https://www.linkedin.com/", 6, "social"),
    ("https://www.linkedin.com/", 3, "paid"),
    ("https://t.co/", 3, "social"),
    ("https://news.ycombinator.com/", 2, ""),
    ("https://www.g2.com/products/example-saas/reviews", 4, ""),
    ("https://www.capterra.com/p/example-saas/", 2, ""),
    ("https://www.reddit.com/r/revops/", 2, ""),
)

BROWSER_USER_AGENTS: tuple[str, ...] = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/123.0.0.0 Safari/537.36 Edg/123.0.2420.81",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/122.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPad; CPU OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.3 Mobile/15E148 Safari/604.1",
)

BOT_USER_AGENTS: tuple[str, ...] = (
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/124.0.0.0 Safari/537.36",
    "python-requests/2.31.0",
    "curl/8.5.0",
)

# --------------------------------------------------------------------------------------
# Email
# --------------------------------------------------------------------------------------

WEBINAR_TOPICS: tuple[str, ...] = (
    "Scoring that sales trusts",
    "From MQL to revenue",
    "Data quality for RevOps",
    "Intent signals that matter",
    "Building your ICP",
    "Pipeline forecasting 101",
)
EBOOK_TITLES: tuple[str, ...] = (
    "The lead scoring playbook",
    "The RevOps data guide",
    "State of B2B pipeline",
    "ICP worksheet",
)
LAUNCH_FEATURES: tuple[str, ...] = (
    "Predictive scores",
    "Audience sync",
    "Snowflake connector",
    "Score explanations",
    "Account scoring",
)
EVENT_NAMES: tuple[str, ...] = ("Pipeline Summit", "RevOps Live")

# --------------------------------------------------------------------------------------
# Lists
# --------------------------------------------------------------------------------------

#: (list key, name template, object type, list type). {prev} / {year} are event years.
LISTS: tuple[tuple[str, str, str, str], ...] = (
    ("customers", "Customers", "contact", "dynamic"),
    ("customer_accounts", "Customer accounts", "company", "dynamic"),
    ("competitors", "Competitors", "company", "static"),
    ("do_not_contact", "Do not contact", "contact", "static"),
    ("newsletter", "Newsletter subscribers", "contact", "dynamic"),
    ("event_prev", "Event {prev} attendees", "contact", "static"),
    ("event_last", "Event {year} attendees", "contact", "static"),
    ("webinar", "Webinar registrants", "contact", "dynamic"),
    ("target_accounts", "Target accounts - Enterprise", "company", "static"),
    ("partners", "Partners", "company", "static"),
    ("open_deals", "Open deals", "deal", "dynamic"),
)
