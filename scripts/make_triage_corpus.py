"""Write the labelled triage corpus shipped with lawline (src/lawline/moderation/triage_data/).

The corpus is synthetic: short channel titles, descriptions and posts written for lawline in six
languages from phrase templates, with hard negatives (crime news, harm reduction, a hunting
course, legal gun shops, dating safety) labelled `none`. Templates, not examples, are split:
every template whose index is a multiple of five goes to the held-out file, so the evaluation
measures generalisation to unseen phrasings, not memory. Released under CC0 1.0 like the code's
data files. Run: python scripts/make_triage_corpus.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path

OUT = Path(__file__).parents[1] / "src" / "lawline" / "moderation" / "triage_data"
SLOTS = {
    "city": [
        "Amsterdam",
        "Rotterdam",
        "Paris",
        "Lyon",
        "Berlin",
        "Kyiv",
        "Moscow",
        "London",
        "Brussels",
        "Hamburg",
        "Odesa",
        "Marseille",
    ],
    "n": ["2", "5", "10", "50", "100", "250", "500"],
    "price": ["20", "45", "80", "150", "300", "1200"],
}
T: dict[str, list[str]] = {
    "drugs": [
        "cocaine, mdma and weed for sale, message me",
        "selling drugs, fast delivery, pay with crypto",
        "order your party pack: pills, coke, ketamine",
        "molly and acid tabs, shipped from {city}",
        "fresh cocaine in stock, {n}g deals, delivery in {city} within the hour",
        "weed hash mdma ketamine menu, DM to order, stealth shipping",
        "pills 250mg high quality, bulk prices, crypto only",
        "{city} plug 24/7, coke and speed, drop-off same day",
        "top shelf buds {price} euro per ounce, discreet packaging",
        "new batch of crystal meth, wholesale prices for resellers",
        "verse coke binnen, {n} gram, bezorging in {city}",
        "xtc pillen en wiet, stuur een dm voor de menukaart",
        "livraison de beuh et coke à {city}, écris en privé",
        "cocaïne pure, {n}g minimum, paiement crypto",
        "koks und pillen, diskrete lieferung in {city}",
        "gras bestellen, {price} euro, versand per post",
        "закладки мефедрон и шишки, {city}, оплата криптой",
        "соль и альфа в наличии, клады по районам",
        "закладки у місті {city}, мефедрон, оплата крипто",
        "шишки та гашиш, швидка доставка",
    ],
    "weapons": [
        "guns for sale, no licence, ammo included",
        "buy a pistol without papers in {city}",
        "rifles and pistols, untraceable, meet in person",
        "selling firearms and silencers, {price} euro",
        "glock 19 with {n} rounds, no papers needed, meet in {city}",
        "ak pattern rifles in stock, untraceable, serial numbers removed",
        "pistols and ammo without licence, cash only",
        "converted blank guns, fully working, {price} euro",
        "selling handguns no questions asked, shipping hidden in parts",
        "grenades and explosives available, serious buyers only",
        "pistool met {n} patronen, zonder vergunning, afspreken in {city}",
        "wapens te koop zonder papieren",
        "kalash dispo sans permis, remise en main propre à {city}",
        "pistolets et munitions sans papiers",
        "pistole ohne waffenschein, übergabe in {city}",
        "scharfe waffen und munition ohne papiere",
        "пистолет без документов, {n} патронов",
        "продам оружие без лицензии, {city}",
        "автомат без документів, передача у {city}",
        "набої та пістолети без дозволу",
    ],
    "scam": [
        "guaranteed profit, invest now, admin replies fast",
        "send crypto to this wallet and get double back",
        "act now: limited investment offer, 5x returns",
        "recover your lost funds, pay the fee first",
        "double your bitcoin in 24 hours, guaranteed, send to the wallet below",
        "send {price} usdt today and receive triple tomorrow",
        "our trading bot never loses, 300% returns guaranteed",
        "vip investment club, admin will contact you, limited places",
        "you won a prize, pay a small fee of {price} euro to claim it",
        "crypto giveaway from elon, send 1 btc get 2 back",
        "verdubbel je bitcoin, gegarandeerd rendement",
        "stuur {price} usdt en ontvang morgen het drievoudige",
        "doublez vos bitcoins, rendement garanti",
        "investissez {price} euros, gain de 300% en 7 jours",
        "bitcoin verdoppeln, garantierte rendite",
        "sende {price} usdt und erhalte das dreifache",
        "удвой биткоин за сутки, гарантия",
        "доход 300% за неделю, пиши админу",
        "подвій біткоїн, гарантований дохід",
        "надішли {price} usdt і отримай утричі більше",
    ],
    "doxxing": [
        "exposing girls from {city}, names addresses numbers",
        "post her private photos here, we rate them",
        "home address and workplace of this woman, go visit her",
        "ratings list of women from our school with their addresses",
        "list of girls from {city} with home addresses and phone numbers, rated",
        "send us her address and private pics, we post everything",
        "new leak: {n} women exposed, full names and ratings",
        "rate the girls of {city}, addresses included",
        "leaked nudes of your ex, tag her and her family",
        "doxx list: where she lives, where she works, her number",
        "lijst met meiden uit {city}, adressen en cijfers",
        "gelekte naaktfoto's, stuur haar naam",
        "liste des filles de {city} avec adresses, notées",
        "balance ta meuf, photos intimes et adresse",
        "liste mit frauen aus {city}, adressen und bewertungen",
        "geleakte nacktbilder, name und adresse dabei",
        "слив девушек {city}, адреса и оценки",
        "сливы интимных фото, пиши её имя",
        "злив дівчат {city}, адреси та оцінки",
        "інтимні фото колишньої, адреса та телефон",
    ],
    "extremism": [],
    "terrorism": [
        "martyrdom operation video, join the jihad",
        "recruiting fighters for the caliphate, contact us",
        "bomb making guide for the brothers",
        "strike the infidels, spread the official release",
        "join the fighters, martyrdom is the path, new recruitment video",
        "attack the unbelievers in {city}, instructions follow",
        "official release of the caliphate soldiers, spread it",
        "how to build a device, step by step, for the brothers",
        "we call on lone wolves to strike crowds in {city}",
        "donate to the mujahideen, wallet below, the fight continues",
        "sluit je aan bij de strijders van het kalifaat",
        "val de ongelovigen aan in {city}",
        "rejoignez les combattants, le martyre est la voie",
        "nouvelle vidéo de recrutement, frappez à {city}",
        "schließt euch den kämpfern an, das martyrium ist der weg",
        "anleitung für anschläge in {city}",
        "присоединяйся к борцам халифата, новое видео",
        "нападайте на неверных в городе {city}",
        "приєднуйся до бійців, вербувальне відео",
        "інструкції для нападу у {city}",
    ],
    "csam": [
        "child abuse material, links in private, invite only",
        "selling underage videos, crypto payment",
        "cp trading group, send yours to join",
        "minors content pack, new links daily",
        "trading child abuse material, private group, invite only",
        "cp links for sale, new collection, pay in crypto",
        "selling videos of minors, dm for preview",
        "underage content pack, {n} files, mega link",
        "exchange pics of young girls, verify with your own",
        "jailbait collection, no limits, invite code below",
        "kindermisbruikmateriaal ruilen, besloten groep",
        "cp links te koop, nieuwe collectie",
        "échange de contenus pédopornographiques, groupe privé",
        "vente de vidéos de mineurs, dm pour aperçu",
        "kinderpornografie tausch, private gruppe",
        "videos von minderjährigen zu verkaufen",
        "цп ссылки продам, новая коллекция",
        "обмен материалами с несовершеннолетними, закрытая группа",
        "продаж відео з неповнолітніми, пиши в особисті",
        "дитяче порно обмін, закрита група",
    ],
    "hate": [
        "exterminate them all, they are subhuman",
        "these people are parasites, kill them",
        "gas them all, they ruin our country",
        "beat up every foreigner you see in {city}",
        "they are vermin and should be exterminated from {city}",
        "kill all the immigrants, they are not human",
        "burn their places of worship, they deserve it",
        "our race is superior, drive the others out of {city}",
        "hunt them down in the streets, show no mercy",
        "death to the jews, spread this message",
        "ze zijn ongedierte, gooi ze het land uit",
        "dood aan alle buitenlanders in {city}",
        "ce sont des rats, il faut les exterminer",
        "brûlez leurs mosquées, ils le méritent",
        "das sind ungeziefer, raus mit ihnen aus {city}",
        "tötet alle ausländer, sie sind keine menschen",
        "это паразиты, их надо уничтожить",
        "смерть всем приезжим в городе {city}",
        "це паразити, їх треба знищити",
        "смерть усім приїжджим",
    ],
    "illegal_goods": [
        "fake ids and passports, fast delivery",
        "buy stolen bank cards and paypal accounts",
        "counterfeit money for sale, undetectable",
        "forged documents, driving licences, any country",
        "fake passports and id cards, any country, {price} euro",
        "stolen credit cards with cvv, fresh dumps",
        "counterfeit banknotes, high quality, {n} pieces",
        "hacked netflix and bank accounts for sale",
        "fake covid certificates and diplomas",
        "cloned sim cards and stolen phones, cheap",
        "valse paspoorten en id-kaarten te koop",
        "gestolen creditcards met cvv",
        "faux papiers et cartes d'identité, tous pays",
        "cartes bancaires volées avec cvv",
        "gefälschte pässe und ausweise",
        "gestohlene kreditkarten mit cvv",
        "поддельные паспорта любых стран",
        "краденые карты с cvv",
        "підроблені паспорти та посвідчення",
        "вкрадені банківські картки",
    ],
    "spam": [
        "join my channel for free giveaways, share with friends",
        "click here to earn 1000 a day",
        "free followers, free likes, join now",
        "casino promo code, free bonus, register today",
        "follow for follow, join my channel, free subscribers",
        "earn money from home, click the link in bio",
        "best casino bonus, register now, free spins",
        "buy followers and likes cheap, instant delivery",
        "promo promo promo join now join now",
        "work from home, 500 a day, no experience",
        "volg voor volg, gratis volgers",
        "casino bonus, meld je nu aan",
        "abonnez-vous, abonnés gratuits",
        "bonus casino, inscrivez-vous maintenant",
        "folgen für folgen, kostenlose follower",
        "casino bonus, jetzt registrieren",
        "подписка на подписку, бесплатные подписчики",
        "казино бонус, регистрируйся сейчас",
        "підписка на підписку, безкоштовні підписники",
        "казино бонус, реєструйся зараз",
    ],
    "none": [
        "arrests after police raid on a drug lab in {city}",
        "harm reduction: start low, go slow, never use alone",
        "our shooting club welcomes licensed members",
        "recipe of the day: apple pie",
        "exhibition on the history of {city} opens friday",
        "weather warning for {city} tonight",
        "scam alert: banks never ask for your pin",
        "court hears case against weapons smugglers",
        "police seize {n} kg of cocaine in port raid, two arrested",
        "court jails arms dealer for eight years",
        "test your pills at the free drug checking service in {city}",
        "never mix alcohol and sedatives, call emergency services if in doubt",
        "hunting licence course, safe handling of rifles, {n} places left",
        "licensed gun shop {city}, permits checked, range open saturday",
        "tonight: lentil soup with lemon and garlic",
        "city council approves the new tram line in {city}",
        "what a win last night, tickets for saturday available",
        "bitcoin moves {n} percent this week, no financial advice",
        "how to spot investment scams: never send money to strangers",
        "dating safety tips: meet in public places",
        "report about extremism research at the university of {city}",
        "documentary on the history of the resistance",
        "python tips: use type hints everywhere",
        "cheap flights from {city}, return from {price} euro",
        "politie onderschept {n} kilo drugs in de haven van {city}",
        "laat je pillen testen bij de testservice",
        "jagdschein kurs in {city}, noch {n} plätze frei",
        "saisie de {n} kg de cannabis, deux interpellations",
        "recette facile: gratin dauphinois",
        "stadtfest in {city} mit {n} besuchern",
        "таможня изъяла {n} кг кокаина",
        "рецепт борща на каждый день",
        "фестиваль у {city} відвідали {n} людей",
        "поради з безпеки: не надсилайте гроші незнайомцям",
        "wapenhandelaar veroordeeld tot acht jaar cel",
        "zoll stellt {n} kg kokain sicher",
        "concert tonight in {city}, doors at 8",
        "the museum night draws {n} visitors",
        "le tribunal condamne un trafiquant d'armes",
        "новини {city}: міська рада ухвалила бюджет",
    ],
}
T.pop("extremism")


def fill(template: str, rng: random.Random) -> str:
    return template.format(**{k: rng.choice(v) for k, v in SLOTS.items()})


def recombine(templates: list[str], rng: random.Random, count: int) -> set[str]:
    """New training phrasings: clauses of a label's training templates, joined at random."""
    clauses = [c.strip() for t in templates for c in t.split(",") if c.strip()]
    made = set()
    for _ in range(count):
        picked = rng.sample(clauses, k=min(len(clauses), rng.choice([1, 2, 2, 3])))
        made.add(fill(", ".join(picked), rng))
    return made


def main() -> None:
    rng = random.Random(20241001)
    train, held_out = [], []
    for label, templates in T.items():
        seen = [t for i, t in enumerate(templates) if i % 5 != 0]
        for text in sorted(recombine(seen, rng, 150)):
            train.append({"text": text, "label": label})
        for index, template in enumerate(templates):
            target = held_out if index % 5 == 0 else train
            variants = {fill(template, rng) for _ in range(12)}
            for text in sorted(variants):
                casing = rng.random()
                if casing < 0.2:
                    text = text.upper()
                elif casing < 0.5:
                    text = text.capitalize()
                target.append({"text": text, "label": label})
    rng.shuffle(train)
    rng.shuffle(held_out)
    OUT.mkdir(parents=True, exist_ok=True)
    for name, rows in (("train.jsonl", train), ("heldout.jsonl", held_out)):
        with (OUT / name).open("w") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"train: {len(train)}, held out: {len(held_out)}")


if __name__ == "__main__":
    main()
