"""Text for the synthetic messenger's public channels, in six languages.

Most channels are harmless (including the hard cases a classifier must leave alone: crime news,
harm-reduction advice, a hunting course). Some sell drugs or weapons, run scams, publish doxxing
lists of women, or spread extremist propaganda. Texts describe such channels in the words their
operators use, without any real person, address or image.

Longer than 400 lines because it is phrase data (templates per theme and language), not logic:
split by theme, a translator would have to open every file to add a language.
"""

from __future__ import annotations

HARMFUL_THEMES = ("drugs", "weapons", "scam", "doxxing", "extremism")

# theme -> share of channels (sums to 1)
THEME_WEIGHTS: dict[str, float] = {
    "news": 0.16,
    "cooking": 0.12,
    "football": 0.12,
    "tech": 0.10,
    "travel": 0.08,
    "music": 0.08,
    "crime_news": 0.06,
    "harm_reduction": 0.03,
    "hunting_course": 0.03,
    "crypto_news": 0.06,
    "drugs": 0.05,
    "weapons": 0.03,
    "scam": 0.04,
    "doxxing": 0.02,
    "extremism": 0.02,
}

LANGUAGES = ("en", "nl", "fr", "de", "ru", "uk")

CITIES = {
    "en": ["London", "Manchester", "Dublin", "Chicago"],
    "nl": ["Amsterdam", "Rotterdam", "Utrecht", "Eindhoven"],
    "fr": ["Paris", "Marseille", "Lyon", "Bruxelles"],
    "de": ["Berlin", "Hamburg", "München", "Köln"],
    "ru": ["Москва", "Казань", "Новосибирск", "Самара"],
    "uk": ["Київ", "Львів", "Одеса", "Харків"],
}

# theme -> language -> (titles, descriptions, posts); "{city}" and "{n}" are filled in
TEXTS: dict[str, dict[str, tuple[list[str], list[str], list[str]]]] = {
    "news": {
        "en": (
            ["{city} Daily News", "Morning Briefing {city}"],
            ["Local news from {city}, every morning."],
            [
                "City council approves the new tram line.",
                "Heavy rain expected tonight in {city}.",
                "Museum night draws {n} visitors.",
            ],
        ),
        "nl": (
            ["Nieuws uit {city}", "{city} Vandaag"],
            ["Het laatste nieuws uit {city}."],
            [
                "Gemeenteraad stemt in met nieuwe fietsbrug.",
                "Morgen veel regen in {city}.",
                "Markt trekt {n} bezoekers.",
            ],
        ),
        "fr": (
            ["Actu {city}", "{city} Info"],
            ["L'actualité de {city} chaque jour."],
            [
                "Le conseil municipal vote le budget.",
                "Fortes pluies attendues à {city}.",
                "La fête de la musique attire {n} personnes.",
            ],
        ),
        "de": (
            ["{city} Nachrichten", "Neues aus {city}"],
            ["Lokale Nachrichten aus {city}."],
            [
                "Stadtrat beschließt neuen Radweg.",
                "Unwetterwarnung für {city}.",
                "Stadtfest mit {n} Besuchern.",
            ],
        ),
        "ru": (
            ["Новости {city}", "{city} сегодня"],
            ["Главные новости города {city}."],
            [
                "Мэрия открыла новый парк.",
                "Завтра в городе {city} дожди.",
                "На концерт пришли {n} человек.",
            ],
        ),
        "uk": (
            ["Новини {city}", "{city} онлайн"],
            ["Головні новини міста {city}."],
            [
                "Міська рада ухвалила бюджет.",
                "Завтра у місті {city} дощ.",
                "Фестиваль відвідали {n} людей.",
            ],
        ),
    },
    "cooking": {
        "en": (
            ["{city} Home Cooking", "Easy Dinners"],
            ["Recipes for busy weeknights."],
            [
                "Tonight: lentil soup with lemon.",
                "Baking bread with {n} g of flour.",
                "Five ways to use leftover rice.",
            ],
        ),
        "nl": (
            ["Koken met Oma", "Lekker Eten {city}"],
            ["Recepten voor elke dag."],
            ["Vandaag: erwtensoep zoals vroeger.", "Appeltaart met {n} gram appels."],
        ),
        "fr": (
            ["Cuisine Facile", "Recettes de {city}"],
            ["Des recettes simples et bonnes."],
            ["Ce soir: gratin dauphinois.", "Une tarte aux pommes avec {n} g de farine."],
        ),
        "de": (
            ["Kochen leicht gemacht", "Küche {city}"],
            ["Einfache Rezepte für jeden Tag."],
            ["Heute: Kartoffelsuppe.", "Brot backen mit {n} g Mehl."],
        ),
        "ru": (
            ["Домашняя кухня", "Рецепты {city}"],
            ["Простые рецепты на каждый день."],
            ["Сегодня варим борщ.", "Пирог с яблоками: {n} г муки."],
        ),
        "uk": (
            ["Смачно вдома", "Кухня {city}"],
            ["Прості рецепти щодня."],
            ["Сьогодні вареники з вишнею.", "Пиріг: {n} г борошна."],
        ),
    },
    "football": {
        "en": (
            ["{city} FC Fans", "Matchday Talk"],
            ["Everything about our club."],
            ["What a win last night, 3-1!", "Tickets for Saturday: {n} left."],
        ),
        "nl": (
            ["Supporters {city}", "Voetbalpraat"],
            ["Alles over onze club."],
            ["Wat een overwinning gisteren!", "Nog {n} kaarten voor zaterdag."],
        ),
        "fr": (
            ["Supporters de {city}", "Foot Passion"],
            ["Tout sur notre club."],
            ["Belle victoire hier soir!", "Plus que {n} billets pour samedi."],
        ),
        "de": (
            ["Fans {city}", "Fußball Talk"],
            ["Alles über unseren Verein."],
            ["Starker Sieg gestern Abend!", "Noch {n} Karten für Samstag."],
        ),
        "ru": (
            ["Фанаты {city}", "Футбол сегодня"],
            ["Всё о нашем клубе."],
            ["Отличная победа вчера!", "Осталось {n} билетов на субботу."],
        ),
        "uk": (
            ["Фанати {city}", "Футбол щодня"],
            ["Все про наш клуб."],
            ["Яка перемога вчора!", "Залишилось {n} квитків."],
        ),
    },
    "tech": {
        "en": (
            ["Python Tips", "{city} Developers"],
            ["Programming news and tips."],
            ["New release fixes {n} bugs.", "Tip: use type hints everywhere."],
        ),
        "de": (
            ["Programmieren lernen", "Entwickler {city}"],
            ["Tipps rund ums Programmieren."],
            ["Neue Version behebt {n} Fehler."],
        ),
        "ru": (
            ["Программисты {city}"],
            ["Новости разработки."],
            ["Вышла версия с {n} исправлениями."],
        ),
    },
    "travel": {
        "en": (
            ["Cheap Flights {city}", "Backpacking Europe"],
            ["Travel deals and stories."],
            ["Return flights from {n} euros.", "Three days in Lisbon on a budget."],
        ),
        "fr": (
            ["Voyages pas chers", "Partir de {city}"],
            ["Bons plans voyage."],
            ["Vols aller-retour dès {n} euros."],
        ),
        "nl": (
            ["Goedkoop Reizen", "Weg uit {city}"],
            ["Reistips en aanbiedingen."],
            ["Retourtje Barcelona vanaf {n} euro."],
        ),
    },
    "music": {
        "en": (
            ["Indie Picks", "{city} Gigs"],
            ["New music every day."],
            ["Concert tonight, doors at 8.", "Album of the week has {n} tracks."],
        ),
        "uk": (["Музика {city}"], ["Нова музика щодня."], ["Концерт сьогодні о 20:00."]),
        "de": (["Konzerte {city}"], ["Neue Musik jeden Tag."], ["Heute Abend Konzert um 20 Uhr."]),
    },
    "crime_news": {
        "en": (
            ["{city} Crime Watch", "Court Reporter"],
            ["Reporting on crime and the courts."],
            [
                "Police seize {n} kg of cocaine in port raid, two arrested.",
                "Court jails arms dealer for eight years.",
                "Fraud ring that cheated pensioners dismantled.",
            ],
        ),
        "nl": (
            ["Misdaadnieuws {city}"],
            ["Verslaggeving over misdaad en rechtspraak."],
            [
                "Politie onderschept {n} kilo drugs in de haven.",
                "Wapenhandelaar veroordeeld tot acht jaar cel.",
            ],
        ),
        "fr": (
            ["Faits divers {city}"],
            ["Chronique judiciaire."],
            [
                "Saisie de {n} kg de cannabis, deux interpellations.",
                "Un trafiquant d'armes condamné à huit ans.",
            ],
        ),
        "de": (
            ["Polizeibericht {city}"],
            ["Berichte über Kriminalität und Gerichte."],
            ["Zoll stellt {n} kg Kokain sicher."],
        ),
    },
    "harm_reduction": {
        "en": (
            ["Safer Nights {city}", "Drug Checking Info"],
            ["Harm reduction advice; we do not sell anything."],
            [
                "Test your pills at the free drug checking service.",
                "Never mix alcohol and sedatives; call emergency services if in doubt.",
            ],
        ),
        "nl": (
            ["Veilig Uitgaan"],
            ["Voorlichting over drugs en risico's; wij verkopen niets."],
            ["Laat je pillen testen bij de testservice.", "Drink genoeg water op festivals."],
        ),
        "de": (
            ["Safer Use {city}"],
            ["Aufklärung und Schadensminderung."],
            ["Kostenloses Drug-Checking am Samstag."],
        ),
    },
    "hunting_course": {
        "en": (
            ["Hunting Licence Course {city}"],
            ["Preparation for the state hunting exam."],
            [
                "Next course: safe handling of rifles, {n} places left.",
                "Exam dates for the hunting licence are out.",
            ],
        ),
        "de": (
            ["Jagdschein Kurs {city}"],
            ["Vorbereitung auf die Jägerprüfung."],
            ["Waffenhandhabung und Sicherheit: noch {n} Plätze frei."],
        ),
        "fr": (
            ["Permis de chasser {city}"],
            ["Formation au permis de chasser."],
            ["Session sur la sécurité des armes: {n} places."],
        ),
    },
    "crypto_news": {
        "en": (
            ["Crypto Daily", "Blockchain {city}"],
            ["Market news, no financial advice."],
            ["Bitcoin moves {n} percent this week.", "Regulators publish new stablecoin rules."],
        ),
        "ru": (["Крипто новости"], ["Новости рынка."], ["Биткоин вырос на {n} процентов."]),
    },
    "drugs": {
        "en": (
            ["{city} Plug 24/7", "Candy Shop {city}"],
            ["Best quality weed, coke, MDMA. Discreet delivery in {city}. DM to order."],
            [
                "Fresh batch of cocaine, {n} g deals, drop-off same day.",
                "Pills 250 mg, bulk prices, stealth shipping EU-wide.",
                "Menu: weed, hash, ketamine, speed. Pay in crypto.",
            ],
        ),
        "nl": (
            ["{city} Bezorgdienst 24/7"],
            ["Wiet, coke en XTC, snel bezorgd in {city}. Stuur een DM voor het menu."],
            [
                "Nieuwe partij coke binnen, {n} gram per bestelling.",
                "Pillen en MDMA, discreet geleverd aan huis.",
            ],
        ),
        "fr": (
            ["Livraison {city} 24h/24"],
            ["Beuh, coke, ecstas. Livraison discrète à {city}. Écris en privé."],
            ["Arrivage de cocaïne, {n} g minimum, livraison le jour même."],
        ),
        "de": (
            ["{city} Lieferdienst"],
            ["Gras, Koks und Pillen, diskret geliefert in {city}."],
            ["Neue Ware: Kokain ab {n} g, Lieferung heute."],
        ),
        "ru": (
            ["Закладки {city}"],
            ["Мефедрон, шишки, соль. Закладки по городу {city}."],
            ["Новая партия, клады в {n} районах, оплата в крипте."],
        ),
        "uk": (
            ["Закладки {city}"],
            ["Швидка доставка, мефедрон і шишки у місті {city}."],
            ["Нова партія, оплата криптою."],
        ),
    },
    "weapons": {
        "en": (
            ["Iron Market {city}", "Tactical Supply No Questions"],
            ["Pistols, rifles and ammo without licence. Serial numbers removed."],
            [
                "Glock 19 with {n} rounds, no papers needed, meet in {city}.",
                "AK pattern rifles in stock, converted, untraceable.",
            ],
        ),
        "nl": (
            ["Wapens {city} zonder vergunning"],
            ["Pistolen en munitie zonder papieren, serienummers verwijderd."],
            ["Glock met {n} patronen, afspreken in {city}."],
        ),
        "fr": (
            ["Armes {city} sans permis"],
            ["Pistolets et kalachs sans papiers."],
            ["Kalash dispo, {n} munitions, remise en main propre à {city}."],
        ),
        "de": (
            ["Waffen ohne Schein {city}"],
            ["Pistolen und Munition ohne Waffenschein."],
            ["Pistole mit {n} Schuss, Übergabe in {city}."],
        ),
        "ru": (
            ["Оружие без лицензии"],
            ["Пистолеты и патроны без документов."],
            ["ПМ и {n} патронов, передача в городе {city}."],
        ),
    },
    "scam": {
        "en": (
            ["Double Your Bitcoin", "{city} Investment Club VIP"],
            ["Guaranteed 300% returns in 7 days. Send USDT to the wallet below."],
            [
                "Send {n} USDT today and receive triple tomorrow, guaranteed!",
                "Last chance: our trading bot never loses. Admin will contact you.",
            ],
        ),
        "nl": (
            ["Verdubbel je Bitcoin"],
            ["Gegarandeerd 300% rendement in 7 dagen."],
            ["Stuur vandaag {n} USDT en ontvang morgen het drievoudige!"],
        ),
        "fr": (
            ["Doublez vos bitcoins"],
            ["Rendement garanti de 300% en 7 jours."],
            ["Envoyez {n} USDT et recevez le triple demain!"],
        ),
        "de": (
            ["Bitcoin verdoppeln"],
            ["Garantiert 300% Rendite in 7 Tagen."],
            ["Sende {n} USDT und erhalte morgen das Dreifache!"],
        ),
        "ru": (
            ["Удвой биткоин"],
            ["Гарантированный доход 300% за неделю."],
            ["Отправь {n} USDT сегодня и получи втрое больше завтра!"],
        ),
        "uk": (
            ["Подвій біткоїн"],
            ["Гарантований дохід 300% за тиждень."],
            ["Надішли {n} USDT і отримай утричі більше!"],
        ),
    },
    "doxxing": {
        "en": (
            ["{city} Girls Exposed", "Rate Them {city}"],
            ["Lists of women from {city} with home addresses and numbers, rated. Leaks welcome."],
            [
                "New list: {n} girls from {city}, full names, addresses and ratings.",
                "Send us her address and private pics, we post everything.",
            ],
        ),
        "nl": (
            ["Meisjes {city} Gelekt"],
            ["Lijsten met vrouwen uit {city}, adressen en nummers, met cijfers."],
            ["Nieuwe lijst: {n} meiden uit {city} met adres en beoordeling."],
        ),
        "fr": (
            ["Balance ta {city}"],
            ["Listes de filles de {city} avec adresses, notées."],
            ["Nouvelle liste de {n} filles avec adresses et notes."],
        ),
        "de": (
            ["{city} Mädchen Liste"],
            ["Listen mit Frauen aus {city}, Adressen und Bewertungen."],
            ["Neue Liste: {n} Frauen mit Adresse und Bewertung."],
        ),
        "ru": (
            ["Слив {city}"],
            ["Списки девушек города {city} с адресами и оценками."],
            ["Новый слив: {n} девушек, адреса и оценки."],
        ),
    },
    "extremism": {
        "en": (
            ["Soldiers of the Caliphate", "Awakening Front {city}"],
            ["Official releases. Join the fighters, martyrdom is the path."],
            [
                "New recruitment video: join the brothers, {n} have already answered the call.",
                "Attack the unbelievers in {city}, instructions follow.",
            ],
        ),
        "nl": (
            ["Strijders van het Kalifaat"],
            ["Sluit je aan bij de strijders."],
            ["Nieuwe rekruteringsvideo, sluit je aan bij de broeders."],
        ),
        "fr": (
            ["Soldats du Califat"],
            ["Rejoignez les combattants, le martyre est la voie."],
            ["Nouvelle vidéo de recrutement, rejoignez les frères."],
        ),
        "de": (
            ["Front des Erwachens"],
            ["Schließt euch den Kämpfern an, das Martyrium ist der Weg."],
            ["Neues Rekrutierungsvideo: schließt euch an."],
        ),
        "ru": (
            ["Солдаты Халифата"],
            ["Присоединяйся к борцам, мученичество - наш путь."],
            ["Новое видео для вербовки, присоединяйся к братьям."],
        ),
    },
}

NAME_WORDS = {
    "news": "news",
    "cooking": "kitchen",
    "football": "fans",
    "tech": "dev",
    "travel": "trips",
    "music": "music",
    "crime_news": "crimewatch",
    "harm_reduction": "safer",
    "hunting_course": "hunting",
    "crypto_news": "crypto",
    "drugs": "plug",
    "weapons": "iron",
    "scam": "profit",
    "doxxing": "exposed",
    "extremism": "front",
}
