"""A small fresh set for the trials extractor, written by the trials7 helper BEFORE changing
the extractor, of the kinds earlier rounds missed (docs/coverage.md): used to measure how the
method generalises, not to tune it. Each case: (text, drugs expected, {drug: dose_mg})."""

CASES: list[tuple[str, set[str], dict[str, float]]] = [
    # misspellings and names heard by a transcriber
    ("I was on sertaline for about six months and it made me numb", {"sertraline"}, {}),
    ("been taking wellbutrn xl 300 since march, not much help", {"bupropion"}, {"bupropion": 300}),
    ("hi um calling about tms i've tried pro zack and um cymbalta sixty milligrams neither "
     "really worked", {"fluoxetine", "duloxetine"}, {"duloxetine": 60}),
    ("Tomé escitalopran 10 mg un año y luego venlafaxina", {"escitalopram", "venlafaxine"},
     {"escitalopram": 10}),
    ("my doctor had me on lamictal and then added abilify two milligrams",
     {"lamotrigine", "aripiprazole"}, {"aripiprazole": 2}),
    ("I did three months on trintelix, then switched to auvelity which I'm still on",
     {"vortioxetine", "dextromethorphan-bupropion"}, {}),
    # someone else's medicines
    ("My brother takes lithium and it works for him. I've been on Zoloft 100 for a year.",
     {"sertraline"}, {"sertraline": 100}),
    ("Writing for my dad: he's been on mirtazapine 30 and trazodone, nothing helped. I take "
     "Lexapro myself but this is about him.", {"mirtazapine", "trazodone"}, {"mirtazapine": 30}),
    ("Mi mamá toma clonazepam. Yo he probado sertralina y fluoxetina sin mejoría.",
     {"sertraline", "fluoxetine"}, {}),
    ("My wife was prescribed Trintellix last month. For me, Paxil 20 mg for two years.",
     {"paroxetine"}, {"paroxetine": 20}),
    # asked about, refused, about to start, not filled
    ("Currently on Effexor 225. My psychiatrist suggested Rexulti but I haven't decided.",
     {"venlafaxine"}, {"venlafaxine": 225}),
    ("Is Spravato covered by Aetna? I've failed Prozac and Celexa.", {"fluoxetine", "citalopram"},
     {}),
    ("I'm supposed to start Vraylar on Monday. Before that I took Seroquel 100 for sleep and "
     "anxiety.", {"quetiapine"}, {"quetiapine": 100}),
    ("Me recetaron bupropión pero nunca lo compré. Tomo escitalopram 20 desde hace un año.",
     {"escitalopram"}, {"escitalopram": 20}),
    ("They offered lithium and I said no thanks. I stayed on Lamictal 200.",
     {"lamotrigine"}, {"lamotrigine": 200}),
    ("Can I do ketamine if I'm taking Adderall? I take Adderall 20 for ADHD.",
     {"amphetamine-dextroamphetamine"}, {"amphetamine-dextroamphetamine": 20}),
    # class only
    ("I've tried a couple of SSRIs and a benzo, none helped", set(), {}),
    ("He probado varios antidepresivos y nada. Ahora tomo duloxetina 60.", {"duloxetine"},
     {"duloxetine": 60}),
    # corrections
    ("I took Celexa, sorry I mean Lexapro, for a year", {"escitalopram"}, {}),
    ("Zoloft no, era Paxil lo que tomé dos años", {"paroxetine"}, {}),
    # non-psychiatric medicines
    ("I take metformin, lisinopril 10 and sertraline 50", {"sertraline"}, {"sertraline": 50}),
    ("gabapentin 300 for my back and Cymbalta 60 for depression", {"duloxetine"},
     {"duloxetine": 60}),
    ("Tomo losartán para la presión y venlafaxina 150 para la depresión", {"venlafaxine"},
     {"venlafaxine": 150}),
    ("on propranolol for migraines and buspirone 15 twice a day for anxiety", {"buspirone"},
     {"buspirone": 30}),
    # Spanish / Latin American brand names
    ("Tomé Lexapro de Argentina, el Seroplex, y después Efexor XR", {"escitalopram",
     "venlafaxine"}, {}),
    ("Me dieron Altruline 50 mg y luego Wellbutrin", {"sertraline", "bupropion"},
     {"sertraline": 50}),
    ("En México tomé Tafil y Rivotril por años", {"alprazolam", "clonazepam"}, {}),
    # referral tables and shorthand
    ("Prior trials: 1) fluoxetine 40mg x 12 wks - no response 2) bupropion XL 300 x 8wk - "
     "partial 3) aripiprazole 5 augmentation - akathisia", {"fluoxetine", "bupropion",
     "aripiprazole"}, {"fluoxetine": 40, "bupropion": 300, "aripiprazole": 5}),
    ("Med hx: SRT 150 (3 mo, NR); VEN 225 (6 mo, partial); MIRT 30 (2 mo, sedation)",
     {"sertraline", "venlafaxine", "mirtazapine"}, {"sertraline": 150, "venlafaxine": 225,
     "mirtazapine": 30}),
    ("Failed: escitalopram, sertraline, duloxetine. Current: bupropion 300, lithium 600.",
     {"escitalopram", "sertraline", "duloxetine", "bupropion", "lithium"},
     {"bupropion": 300, "lithium": 600}),
    # numbers in words
    ("I took Zoloft one fifty for a year", {"sertraline"}, {"sertraline": 150}),
    ("wellbutrin three hundred milligrams, and lamictal a hundred and fifty",
     {"bupropion", "lamotrigine"}, {"bupropion": 300, "lamotrigine": 150}),
    ("Tomo sertralina ciento cincuenta y quetiapina veinticinco", {"sertraline", "quetiapine"},
     {"sertraline": 150, "quetiapine": 25}),
    ("escitalopram veinte miligramos por seis meses", {"escitalopram"}, {"escitalopram": 20}),
    ("i was on the effexor two twenty five for like a year", {"venlafaxine"},
     {"venlafaxine": 225}),
    ("I take my Prozac at nine thirty every morning, forty milligrams", {"fluoxetine"},
     {"fluoxetine": 40}),
    # mixed
    ("Tried Lexapro (made me a zombie), Wellbutrin (anxious), now on nothing. My sister "
     "swears by Zoloft but I haven't tried it.", {"escitalopram", "bupropion"}, {}),
    ("I'm on Spravato now, 84 mg twice a week, started three weeks ago", {"esketamine"},
     {"esketamine": 84}),
    ("Llevo dos años con Sertralina 100 y mi psiquiatra quiere añadir aripiprazol",
     {"sertraline"}, {"sertraline": 100}),
    ("no meds yet, never been on anything", set(), {}),
]

# A second batch, written after the first was read and before any change it led to: the kinds
# round 6 and the later method work found hardest (retractions, another person's medicine
# beside the writer's, the clinic's service asked about, ordinary words near a name, brands of
# other countries, voicemail transcripts, referral shorthand).
CASES_B: list[tuple[str, set[str], dict[str, float]]] = [
    ("I put Cymbalta on the form by mistake, it was Effexor I took", {"venlafaxine"}, {}),
    ("Actually scratch the Abilify, that was my husband's. I've only taken Zoloft.",
     {"sertraline"}, {}),
    ("Me equivoqué: no era Rexulti, era Abilify, 5 mg", {"aripiprazole"}, {"aripiprazole": 5}),
    ("My roommate got me into this, she does Spravato here. I'm on Wellbutrin 300.",
     {"bupropion"}, {"bupropion": 300}),
    ("Both my parents take Lexapro. I take Prozac 40.", {"fluoxetine"}, {"fluoxetine": 40}),
    ("Mi novio toma litio y yo tomo quetiapina 200", {"quetiapine"}, {"quetiapine": 200}),
    ("Do you guys offer ketamine? I've done 6 months of Trintellix 20.", {"vortioxetine"},
     {"vortioxetine": 20}),
    ("¿Ustedes recetan Auvelity? Ya probé Wellbutrin y no me sirvió.", {"bupropion"}, {}),
    ("Would you be able to manage my lithium? I've been on 900 a day for years.", {"lithium"},
     {"lithium": 900}),
    ("hola buenas tardes quería saber si aceptan mi seguro, tomo sertralina de 100",
     {"sertraline"}, {"sertraline": 100}),
    ("Llamo de lunes a viernes, tomo paroxetina 20", {"paroxetine"}, {"paroxetine": 20}),
    ("Pris du Deroxat 20 mg pendant un an, puis Seroplex", {"paroxetine", "escitalopram"},
     {"paroxetine": 20}),
    ("Ich habe Cipralex und danach Elontril genommen", {"escitalopram", "bupropion"}, {}),
    ("hey yeah this is jordan um i been on the lex a pro twenty and before that pax ill it "
     "didn't do nothing", {"escitalopram", "paroxetine"}, {"escitalopram": 20}),
    ("uh my doctor has me on well butrin and uh the a bill if I um two milligrams",
     {"bupropion", "aripiprazole"}, {"aripiprazole": 2}),
    ("Hx: CIT 40 x 10wk NR; BUP XL 450 x 12 wk partial; ARI 5 aug - akathisia",
     {"citalopram", "bupropion", "aripiprazole"}, {"citalopram": 40, "bupropion": 450,
     "aripiprazole": 5}),
    ("Pt failed adequate trials of 3 SSRIs (details unavailable) and venlafaxine 225.",
     {"venlafaxine"}, {"venlafaxine": 225}),
    ("Psychiatrist wants to start Caplyta. Currently Lexapro 20, which I've been on 2 years.",
     {"escitalopram"}, {"escitalopram": 20}),
    ("I stopped Zoloft because of side effects. Never tried Prozac.", {"sertraline"}, {}),
    ("Tomé Xanax cuando murió mi papá, solo unas semanas. Mi papá tomaba Prozac.",
     {"alprazolam"}, {}),
]
