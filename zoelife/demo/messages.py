"""What the demo clinic's requests say: the form's treatment labels and the messages from the
public (realistic, free of identifiers), by treatment; a few crisis, review and spam ones.
"""

from __future__ import annotations

TREATMENT_WEIGHTS = {
    "spravato": 0.24, "tms": 0.22, "ketamine": 0.18, "medication_management": 0.26,
    "therapy": 0.08, "other": 0.02,
}
TREATMENT_LABELS = {  # what the form's own treatment field says
    "spravato": "Spravato (esketamine)", "tms": "NeuroStar TMS",
    "ketamine": "Ketamine-assisted therapy", "medication_management": "Medication management",
    "therapy": "Therapy", "other": "Other",
}

# Messages from the public: realistic, free of identifiers. Keyed by treatment.
MESSAGES: dict[str, tuple[str, ...]] = {
    "spravato": (
        "Interested in Spravato for treatment-resistant depression. I have tried three "
        "antidepressants without much change.",
        "My psychiatrist suggested esketamine nasal spray. Do you take my insurance and how "
        "long are the sessions?",
        "Looking for a Spravato provider close to home. How does the two-hour monitoring work?",
        "Can you tell me whether Spravato needs a prior authorization? I would like to start "
        "soon.",
    ),
    "tms": (
        "I would like to learn about NeuroStar TMS for depression. Medications gave me bad side "
        "effects.",
        "Is TMS covered by insurance? My doctor said I might be a candidate.",
        "Interested in TMS for OCD. How many sessions does a course usually take?",
        "Read about transcranial magnetic stimulation and want a consultation.",
    ),
    "ketamine": (
        "I read your article on ketamine-assisted therapy and would like to know if it is right "
        "for me.",
        "Looking into ketamine therapy for depression and anxiety. What does the first visit "
        "look like?",
        "Do you offer ketamine infusions? Interested in pricing.",
        "Ketamine-assisted therapy for PTSD: do you have openings this month?",
    ),
    "medication_management": (
        "Need a new psychiatrist for medication management, my doctor retired.",
        "Looking for an evaluation for ADHD and help adjusting my current medication.",
        "I need someone to manage my bipolar medication. Do you accept new patients?",
        "My primary care doctor wants me to see a psychiatrist about my antidepressant dose.",
    ),
    "therapy": (
        "Looking for therapy for anxiety, preferably evenings.",
        "Interested in talk therapy alongside medication.",
        "Do you have a therapist who works with couples going through grief?",
    ),
    "other": (
        "Do you do psychiatric evaluations for a court requirement?",
        "Question about records from a past visit.",
    ),
    "": (
        "Please call me back about an appointment.",
        "What are your hours and do you take new patients?",
        "I would like to schedule an appointment as soon as possible.",
        "",
        "",
    ),
}
URGENT_MESSAGES = (
    "I have been having thoughts of ending my life and I do not feel safe right now. Can someone "
    "call me today about Spravato?",
    "Some days I wish I could go to sleep and never wake up. My psychiatrist mentioned TMS.",
    "My son told me he has a plan to kill himself. He is 19. We need help with an appointment as "
    "soon as possible.",
    "I cut myself last week again and I am scared. Looking for ketamine therapy.",
)
REVIEW_MESSAGES = (
    "I had a suicide attempt years ago and have been stable since; no thoughts of self-harm now. "
    "Interested in TMS for depression that keeps coming back.",
    "No suicidal thoughts, but my depression has not improved after four medications. Is "
    "Spravato covered by Medicare?",
    "Does ketamine help with suicidal thoughts? Asking for information for my sister, she is "
    "safe.",
    "Necesito una cita para mi madre, tiene depresión y no sé qué hacer.",
)
SPAM_MESSAGES = (
    "We can put your clinic on the first page of Google. Reply for a free SEO audit!",
    "Limited offer: website redesign for medical practices, 50% off this week.",
)
DUPLICATE_MESSAGE = "Sorry, sending this again: not sure the first form went through."
