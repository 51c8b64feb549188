"""Names, subjects and framework plans of the demo school (Romanian, with correct ș and ț)."""

from __future__ import annotations

FIRST_NAMES_F = [
    "Ana", "Maria", "Ioana", "Elena", "Andreea", "Alexandra", "Ștefania", "Bianca", "Daria", "Sofia",
    "Irina", "Teodora", "Ilinca", "Carina", "Alina", "Raluca", "Denisa", "Miruna", "Oana", "Iulia",
    "Roxana", "Larisa", "Cătălina", "Mădălina", "Gabriela", "Antonia", "Patricia", "Delia", "Ruxandra", "Smaranda",
]
FIRST_NAMES_M = [
    "Andrei", "Ion", "Mihai", "Ștefan", "Alexandru", "Tudor", "Matei", "David", "Luca", "Radu",
    "Vlad", "Cristian", "Bogdan", "Răzvan", "Sebastian", "Ionuț", "Gheorghe", "Costin", "Dragoș", "Horia",
    "Victor", "Mircea", "Cosmin", "Florin", "Teodor", "Șerban", "Octavian", "Tiberiu", "Aurelian", "Petru",
]
LAST_NAMES = [
    "Popescu", "Ionescu", "Popa", "Pop", "Niță", "Nițu", "Constantinescu", "Stan", "Stanciu", "Dumitrescu",
    "Dima", "Gheorghiu", "Ioniță", "Marin", "Tudor", "Dobre", "Barbu", "Nistor", "Florea", "Frățilă",
    "Dinu", "Dinescu", "Georgescu", "Stoica", "Diaconu", "Diaconescu", "Mocanu", "Oprea", "Voicu", "Dumitru",
    "Lungu", "Munteanu", "Moldovan", "Țurcanu", "Neagu", "Cristea", "Ungureanu", "Bălan", "Șerban", "Răducanu",
    "Căpraru", "Brătianu", "Păun", "Mureșan", "Cojocaru", "Târnoveanu", "Surdu", "Enache", "Rusu", "Ciobanu",
]
STREETS = ["Ștefan cel Mare", "Mihai Eminescu", "Ion Creangă", "Lalelelor", "Nucului", "Plopilor", "Cuza Vodă", "Mărășești"]

#: subject name -> (short name, {grade code: weekly hours}, flags)
SUBJECTS: dict[str, tuple[str, dict[int, int], dict[str, bool]]] = {
    "Comunicare în limba română": ("CLR", {1: 7, 2: 7}, {}),
    "Limba și literatura română": ("ROM", {3: 5, 4: 5, 5: 4, 6: 4, 7: 4, 8: 4, 9: 4, 10: 4, 11: 4, 12: 4}, {}),
    "Matematică și explorarea mediului": ("MEM", {1: 4, 2: 4}, {}),
    "Matematică": ("MAT", {3: 4, 4: 4, 5: 4, 6: 4, 7: 4, 8: 4, 9: 4, 10: 4, 11: 4, 12: 4}, {}),
    "Științe ale naturii": ("ȘTN", {3: 1, 4: 1}, {}),
    "Limba engleză": ("ENG", {1: 1, 2: 1, 3: 2, 4: 2, 5: 2, 6: 2, 7: 2, 8: 2, 9: 2, 10: 2, 11: 2, 12: 2}, {}),
    "Limba franceză": ("FRA", {5: 2, 6: 2, 7: 2, 8: 2, 9: 2, 10: 2, 11: 2, 12: 2}, {}),
    "Fizică": ("FIZ", {6: 2, 7: 2, 8: 2, 9: 2, 10: 3, 11: 3, 12: 3}, {}),
    "Chimie": ("CHI", {7: 2, 8: 2, 9: 2, 10: 2, 11: 2, 12: 2}, {}),
    "Biologie": ("BIO", {5: 1, 6: 2, 7: 2, 8: 2, 9: 2, 10: 2, 11: 1, 12: 1}, {}),
    "Informatică": ("INF", {5: 1, 6: 1, 7: 1, 8: 1, 9: 4, 10: 4, 11: 4, 12: 4}, {"is_practical": True}),
    "Istorie": ("IST", {4: 1, 5: 1, 6: 1, 7: 2, 8: 2, 9: 1, 10: 1, 11: 1, 12: 1}, {}),
    "Geografie": ("GEO", {4: 1, 5: 1, 6: 1, 7: 2, 8: 2, 9: 1, 10: 1, 11: 1, 12: 1}, {}),
    "Religie": ("REL", {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 1, 9: 1, 10: 1, 11: 1, 12: 1}, {"is_religion": True}),
    "Educație fizică și sport": (
        "EFS", {1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 2, 8: 2, 9: 2, 10: 2, 11: 2, 12: 2}, {"is_physical_education": True},
    ),
    "Muzică și mișcare": ("MM", {1: 2, 2: 2, 3: 1, 4: 1}, {}),
    "Arte vizuale și abilități practice": ("AVAP", {1: 2, 2: 2, 3: 2, 4: 2}, {"is_practical": True}),
    "Educație plastică": ("EPL", {5: 1, 6: 1, 7: 1, 8: 1, 9: 1, 10: 1}, {"is_practical": True}),
    "Educație muzicală": ("EMZ", {5: 1, 6: 1, 7: 1, 8: 1, 9: 1, 10: 1}, {}),
    "Educație tehnologică": ("ETH", {5: 1, 6: 1, 7: 1, 8: 1}, {"is_practical": True}),
    "Consiliere și dezvoltare personală": ("CDP", {1: 1, 2: 1, 5: 1, 6: 1, 7: 1, 8: 1}, {}),
    "Educație civică": ("CIV", {3: 1, 4: 1}, {}),
    "Logică și argumentare": ("LOG", {9: 1}, {}),
    "Psihologie": ("PSI", {10: 1}, {}),
    "Economie": ("ECO", {11: 1}, {}),
    "Filosofie": ("FIL", {12: 1}, {}),
}
#: Subjects with a teză under rofuip2016 (grade VIII and high school, real profile).
THESIS_SUBJECTS = {"Limba și literatura română": {8, 9, 10, 11, 12}, "Matematică": {8, 9, 10, 11, 12}}

GRADE_NAMES = {
    0: "pregătitoare", 1: "I", 2: "a II-a", 3: "a III-a", 4: "a IV-a", 5: "a V-a", 6: "a VI-a", 7: "a VII-a",
    8: "a VIII-a", 9: "a IX-a", 10: "a X-a", 11: "a XI-a", 12: "a XII-a",
}
