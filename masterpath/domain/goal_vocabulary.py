"""The words of goals and career texts, for goal → career matching. Pure.

Goals are reduced to meaningful stemmed words: filler that says someone wants a career but not
which one is dropped, and everyday abbreviations are expanded to the words career texts use.
`OUTSIDE` describes the work near the catalogue that none of its careers is, for the
comparison by meaning.
"""

from __future__ import annotations

from masterpath.domain.grading import terms

# Words that say someone wants a career, not which one.
FILLER = frozenset(
    terms(
        """want wanna would like love become becoming be get getting job jobs role roles career
        careers work working move moving switch switching transition transitioning into toward
        towards next step day someday eventually dream hope hoping plan planning goal goals
        study studying start starting good better great new help me how able year years month
        months now currently current im i'm am ive i've also really professional position title
        field industry company honestly know much yet keep reading lot people person someone
        thing things stuff kind sort way day days time money rich fast quick quickly easy make
        yr yrs"""
    )
)
# Everyday abbreviations, expanded to the words career documents use.
EXPAND = {
    "ml": "machine learning",
    "mle": "machine learning engineer",
    "ai": "artificial intelligence ai",
    "genai": "generative ai",
    "llm": "large language model llm",
    "llms": "large language model llm",
    "mlops": "mlops machine learning operations",
    "k8s": "kubernetes",
    "swe": "software engineer",
    "tech": "technical",
    "dev": "developer",
    "devs": "developer",
    "sr": "senior",
    "snr": "senior",
    "jr": "junior",
    "eng": "engineer",
    "engs": "engineer",
    "mgr": "manager",
    "infra": "infrastructure",
}
# Work near the catalogue that none of its careers is: neighbouring jobs, using AI rather than
# engineering it, life goals. A goal closer in meaning to one of these than to the best
# career's own texts (by `Tuning.outside_margin`) gets no match. Generic descriptions of each
# neighbour, written for the comparison, like the careers' example goals: the meaning-based
# counterpart of `aims.OTHER_PROFESSIONS`.
OUTSIDE = (
    "data analyst building dashboards and reports with SQL, Excel and BI tools",
    "business intelligence developer maintaining reports and a data warehouse",
    "data engineer building ETL jobs and data warehouses for analytics",
    "data scientist analysing data, running statistics and A/B experiments for the business",
    "AI research scientist inventing new model architectures and publishing papers",
    "academic machine learning researcher, PhD student or professor",
    "statistician, actuary or quantitative analyst",
    "product manager or product owner deciding what an AI product should do",
    "UX or product designer designing screens and user journeys",
    "prompt writer or content creator using ChatGPT to write text",
    "artist making images and art with generative AI tools",
    "use AI assistants like ChatGPT or Copilot to work faster in my own job",
    "data annotator labelling images and text for AI companies",
    "teacher or trainer teaching people about artificial intelligence",
    "consultant advising companies on which AI vendor or software to buy",
    "AI ethics, policy, law or regulation specialist",
    "recruiter hiring engineers for tech companies",
    "frontend, web or mobile app developer building user interfaces",
    "game developer or game designer",
    "software architect for enterprise business applications",
    "Salesforce, SAP or ERP consultant and administrator",
    "cloud FinOps analyst controlling cloud costs and bills",
    "database administrator or IT support technician",
    "cybersecurity analyst or penetration tester",
    "chip designer or hardware engineer building processors and AI accelerators",
    "compiler engineer or embedded systems programmer",
    "robotics technician repairing machines and hardware",
    "building architect or construction project manager designing houses",
    "doctor, nurse or other healthcare worker",
    "marketing, sales or customer support",
    "start my own business or become an entrepreneur",
    "personal goals: get fit, lose weight, travel, be happier",
    "journalist, blogger or YouTuber writing and talking about AI news and the tech industry",
    "investor, venture capitalist or startup founder funding and running a business",
    "IT manager running computers, networks and support for an office or a school",
    "UX researcher interviewing users and running usability studies",
    "cloud or solutions architect for websites, web hosting and business IT systems",
    "team leader or supervisor of a call centre, shop, restaurant or sales team",
    "hiring manager or founder looking to hire engineers for a startup",
    "manual job or trade: driver, cleaner, hairdresser, farmer, builder",
    "site reliability or DevOps engineer keeping websites, servers and databases up, on call",
    "QA tester, scrum master or technical writer on a software team",
    "network engineer or system administrator for an office network",
    "blockchain, crypto or web3 developer writing smart contracts",
)


def words(text: str) -> list[str]:
    """Meaningful stemmed words, with common abbreviations expanded."""
    found = []
    # "AI/ML", "ML/AI", "A/B": each word apart, in goals and in career texts alike
    for word in terms(text[:10_000].replace("/", " "), drop_stop=True):
        if word in FILLER:
            continue
        found += terms(EXPAND[word], drop_stop=True) if word in EXPAND else [word]
    return found
