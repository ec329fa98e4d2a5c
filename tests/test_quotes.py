"""Who said what: a table of real quote patterns from Russian news.

Every text is copied exactly from `shared/corpus/newsru-rucoco.jsonl` (the article id is in the
comment above its row) and analysed with the article's own publication date. The expected values
are what a careful Russian reader gets from the row's text alone, not what svodka printed when
the table was written.

A row names a `needle`, a short substring of the statement. The test takes the narrowest quote
whose span contains the needle and checks its `kind` and its speaker:

- a string is the speaker's canonical name, compared case-insensitively. Canonical names of
  people are still in flux (`Хлопонин` vs `Александр Хлопонин`), so a PER entity is also
  accepted when one of its `name` mentions carries the expected surname (the last word of the
  expected name, in any case form: `Лаврова`, `Лавровым`);
- a tuple lists the acceptable canonical names of an organisation; no surname fallback, so
  `МИД России` does not pass for `МИД Сирии`;
- None: the statement is attributed to nobody who can be resolved (`заявил источник`);
- NOT_A_QUOTE: a name or title in quotation marks; no quote may overlap it.

Rows that svodka gets wrong today are strict xfails whose reason starts with a cause tag
(BARE_ROLE, INTERRUPTED, NER, …); when one starts passing, drop its marker.
"""

from __future__ import annotations

import re

import pytest

from svodka.pipeline import Pipeline
from svodka.records import Article, Entity, Quote
from tests.conftest import analyse

NOT_A_QUOTE = "NOT_A_QUOTE"

Speaker = str | tuple[str, ...] | None


def row(
    text: str,
    published: str,
    kind: str,
    needle: str,
    speaker: Speaker,
    *,
    id: str,
    xfail: str | None = None,
):
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(text, published, kind, needle, speaker, marks=marks, id=id)


_WORD = re.compile(r"\w+")
_ENDINGS = "аяоеёиыйьу"


def has_surname(entity: Entity, surname: str) -> bool:
    """Whether a name mention of `entity` is `surname` in some case form."""
    stem = surname.casefold().rstrip(_ENDINGS) or surname.casefold()
    for mention in entity.mentions:
        if mention.kind != "name":
            continue
        for word in _WORD.findall(mention.text.casefold()):
            if word.startswith(stem) and len(word) - len(stem) <= 3:
                return True
    return False


def speaker_matches(entity: Entity, expected: str | tuple[str, ...]) -> bool:
    name = entity.name.casefold()
    if isinstance(expected, tuple):
        return name in {e.casefold() for e in expected}
    if name == expected.casefold():
        return True
    return entity.type == "PER" and has_surname(entity, expected.split()[-1])


def describe(article: Article, quote: Quote | None) -> str:
    if quote is None:
        return "no quote"
    names = {e.id: f"{e.name} ({e.type})" for e in article.entities}
    speaker = names.get(quote.speaker) if quote.speaker else None
    return f"{quote.kind} quote {quote.text!r} by {speaker}"


# Texts that several rows share (copied exactly from the corpus).
# newsru-2005-cinema-paulo
PAULO_2005 = 'Знаменитый бразильский писатель Пауло Коэльо, романы которого пользуются большой популярностью в России, хотел бы совершить путешествие по Транссибирской магистрали. "Мы планировали сделать это в этом году, но пока не получилось", - сказал Коэльо в интервью РИА "Новости".'
# newsru-2014-world-free-004
FREE_004_2014 = '"Я смогла дозвониться до Жени, она сообщила, что их недавно отпустили где-то недалеко от Запорожья. Они нормально себя чувствуют, собираются купить в Запорожье билеты на поезд и ехать в Крым", - сказала главный редактор "Крымского телеграфа" Мария Волконская агентству "Интерфакс".'
# newsru-2015-russia-mistral-013
MISTRAL_013_2015 = 'Однако глава Минпромторга РФ Денис Мантуров опроверг эту информацию.\n\n"Какие технологии? На сегодняшний день - нет", - заявил Мантуров "Интерфаксу", отвечая на соответствующий вопрос.'
# newsru-2012-cinema-medinsk
MEDINSK_2012 = 'Знаменитая российская актриса Лия Ахеджакова заявила, что назначение Владимира Мединского министром культуры - "это полное незнание, что происходит в нашей культуре, полное незнание, абсолютное непонимание проблемы". В интервью "Коммерсанту FM" она также отметила, что Мединского "если назначать, то куда-то в силовики".\n\n"Это такое же опасное назначение, как этого, с вагоностроительного завода, который хотел мужиков пригнать. Теперь он будет отвечать за весь Урал, а Урал я хорошо знаю. Я знаю, я там много раз бывала, это так страшно, что даже и необсуждаемо", - заявила актриса.'
# newsru-2015-russia-gonka
GONKA_2015 = 'В тот же день на пресс-конференции по итогам переговоров с президентом Финляндии Саули Ниинистё Путин отметил, что беспокойство Москвы вызывает развертывание системы ПРО в Европе. "Если кто-то угрожает нашей безопасности, мы должны будем нацелить наши ударные силы и средства на те территории, с которых исходит угроза", - подчеркнул глава государства.'
# newsru-2005-world-tl
TL_2005 = 'Глава МИД Великобритании заявил в субботу, что официальный Лондон осуждает действия узбекских властей и правоохранительных органов в Андижане, где в последние дни происходят массовые волнения.\n\n"Я чрезвычайно озабочен сообщениями о том, что узбекские войска открыли огонь по демонстрантам в Андижане", - сказал министр.'
# newsru-2011-world-kenignoteurope
KENIGNOTEUROPE_2011 = 'Своими размышлениями о том, какие страны можно считать истинно европейскими, Ильвес поделился в интервью эстонской газете KesKus. Опубликовано оно на официальном сайте президента - правда, только на эстонском языке. На другие языки портала, русский и английский, оно не переведено.\n\n"Европа - это не географическое понятие", - заявил эстонский лидер. При этом каждое посткоммунистическое государство Восточной Европы утверждает, что всегда было частью Европы. "Ну нет же. Никто не принадлежал Европе всегда", - рассуждает он.'
# newsru-2018-finance-vtbmagnit
VTBMAGNIT_2018 = 'Мировой рынок розничной торговли проходит период кардинальной трансформации, вызванной растущими требованиями и предпочтениями потребителей, взаимным проникновением онлайн- и офлайн-каналов продаж и усилением роли высоких технологий, отметил Костин.\n\n"Опираясь на опыт и финансовые ресурсы группы ВТБ, мы планируем вывести компанию "Магнит" на качественно новый уровень своего развития", - сказал глава ВТБ.'
# newsru-2002-world-shah-001
SHAH_001_2002 = 'В полете Захир Шаха сопровождал прибывший накануне в итальянскую столицу глава временного афганского правительства Хамид Карзай. Во время своего пребывания в Риме глава временной афганской администрации заявил, что не считает себя будущим лидером Афганистана.\n\n"Сейчас я возглавляю администрацию, которая призвана временно руководить страной, - сказал Карзай. - Политическое будущее Афганистана определит Лойя джирга".'
# newsru-2015-world-merkel-023
MERKEL_023_2015 = '"Мы несколько раз вместе принимали решение по санкциям, - сказала Меркель. - Это была тяжелая работа, поскольку возникал конфликт интересов".\n\nПри этом Меркель отметила, что Европа "стала сплоченней", согласовав решение о санкциях против России.'
# newsru-2007-russia-lis
LIS_2007 = 'Ранее в четверг о грядущем "уходе" Лисицына сообщила газета "Коммерсант". Однако спустя несколько часов губернатор на пресс-конференции в администрации области заявил: "Эти сообщения основаны на слухах".'
# newsru-2010-finance-rusal-009
RUSAL_009_2010 = 'Сам Соловьев на вопрос "Ведомостей", может ли он в будущем возглавить "Русал", передал через пресс-службу: "Олег Владимирович по-прежнему остается гендиректором".'
# newsru-2016-russia-yanukovitch
YANUKOVITCH_2016 = 'В четверг в суд для дачи показаний прибыл Виктор Янукович, который, отвечая на вопросы судьи, подчеркнул, что готов давать показания в качестве заинтересованного лица. "Я решил принять участие в суде, так как события 2013-2014-х годов вышли за пределы правового поля, проходили с нарушением законов Украины, повлекли тяжкие последствия, пострадали граждане Украины и других стран", - пояснил он.'
# newsru-2016-russia-prim-019
PRIM_019_2016 = 'Вадим Серков сообщил РИА "Новости", что экспертиза по гибели сивуча продолжается и официальных результатов пока не получено. "Смерть была насильственная, но это пока только предположение", - отметил он.'
# newsru-2009-russia-zhirarrest
ZHIRARREST_2009 = 'Представитель потерпевших Сергей Горбачев заявил журналистам, что не исключает возможности заявления к обвиняемому гражданского иска. "Если выяснится, что он в момент ДТП находился при исполнении служебных обязанностей, то будет решаться вопрос о заявлении иска к МВД", - сказал он.'
# newsru-2012-russia-lukyanov
LUKYANOV_2012 = 'Об этом сообщила жена задержанного Елена Заритовская.\n\n"Они уверяют меня, что это не он, а Воротников. Если бы вы видели ориентировку на Воротникова... по этому ксероксу можно задержать нас всех", - написала она на своей странице в социальной сети Facebook. Женщина утверждает, что Лукьянова в отделе полиции "били по почкам".'
# newsru-2014-russia-sobyaninmigrants
SOBYANINMIGRANTS_2014 = 'Ранее 16 сентября Собянин назвал миграцию одной из самых главных проблем города. В эфире радио "Вести ФМ" он заявил: "То, что касается миграции, я считаю, все равно остается одной из самых серьезных проблем. И даже ослабление политического накала сегодня не гарантирует защиты от возникновения какой-нибудь жесткой ситуации в будущем. Количество мигрантов в Москве очень велико".'
# newsru-2018-finance-vtbmagnit
VTBMAGNIT_2018B = 'По словам Костина, в "ближайшее время" в руководстве сети пройдут перестановки. Костин не исключил возможность дальнейшей экспансии "Магнита". При этом он отметил, что инвестиция в "Магнит" является долгосрочной, но в перспективе актив может быть продан.'
# newsru-2008-russia-notarius
NOTARIUS_2008 = "По всем ее искам без должностей осталось уже 10% столичных нотариусов (всего их около 700 человек), сообщил Падва. Он заявил о намерении обжаловать решение Симоновского райсуда вплоть до самых высоких инстанций."
# newsru-2005-finance-yuk-014
YUK_014_2005 = '"Роснефть" считает, что ЮКОС через систему подконтрольных ему организаций "организовал не что иное, как безвозмездную передачу самому себе основных производственных фондов "Юганскнефтегаза". "Имела место запрещенная в отношениях между коммерческими организациями сделка - дарение", - считает "Роснефть" в иске и требует вернуть "Юганскнефтегазу" акции "ЮКОС-Мамонтово".'


ROWS = [
    # direct, attribution after
    # newsru-2011-realty-hloponin
    row(
        '"Думаю, казачество возрождается очень быстрыми, семимильными шагами", - сказал Хлопонин.',
        "2011-06-15",
        "direct",
        "семимильными шагами",
        "Хлопонин",
        id="hloponin-direct",
    ),
    # newsru-2005-cinema-paulo
    row(
        PAULO_2005,
        "2005-01-27",
        "direct",
        "планировали сделать это",
        "Пауло Коэльо",
        id="paulo-direct",
    ),
    # newsru-2005-cinema-paulo
    row(PAULO_2005, "2005-01-27", NOT_A_QUOTE, "Новости", None, id="paulo-title"),
    # newsru-2020-world-biden-wins
    row(
        'Байдена также поздравили бывшие президенты США Барак Обама, Билл Клинтон и Джимми Картер. "Нам повезло, что у Джо есть все, что нужно, чтобы быть президентом, и он уже ведет себя таким образом", - говорится в заявлении Обамы, при котором Байден был вице-президентом.',
        "2020-11-07",
        "direct",
        "Нам повезло",
        "Барак Обама",
        id="biden-wins-direct",
    ),
    # newsru-2014-world-free-004
    row(
        FREE_004_2014,
        "2014-08-26",
        "direct",
        "купить в Запорожье билеты",
        "Мария Волконская",
        id="free-004-direct",
    ),
    # newsru-2014-world-free-004
    row(FREE_004_2014, "2014-08-26", NOT_A_QUOTE, "Крымского телеграфа", None, id="free-004-title"),
    # newsru-2015-russia-mistral-013
    row(
        MISTRAL_013_2015,
        "2015-06-18",
        "direct",
        "Какие технологии",
        "Денис Мантуров",
        id="mistral-013-direct",
    ),
    # newsru-2015-russia-mistral-013
    row(MISTRAL_013_2015, "2015-06-18", NOT_A_QUOTE, "Интерфаксу", None, id="mistral-013-title"),
    # multi-sentence direct quote
    # newsru-2012-cinema-medinsk
    row(
        MEDINSK_2012,
        "2012-05-22",
        "indirect",
        "назначение Владимира Мединского",
        "Лия Ахеджакова",
        id="medinsk-indirect",
    ),
    # newsru-2012-cinema-medinsk
    row(
        MEDINSK_2012,
        "2012-05-22",
        "direct",
        "вагоностроительного завода",
        "Лия Ахеджакова",
        id="medinsk-direct",
    ),
    # newsru-2012-cinema-medinsk
    row(MEDINSK_2012, "2012-05-22", NOT_A_QUOTE, "Коммерсанту FM", None, id="medinsk-title"),
    # role speakers after the quote
    # newsru-2010-russia-lavrov-es
    row(
        'Опасения европейцев по поводу того, что с переходом на безвизовый режим будет снижен миграционный контроль, Сергей Лавров назвал необоснованными. "Угрозы для безопасности как России, так и Евросоюза в этом никак не содержится", - подчеркнул министр.',
        "2010-09-13",
        "direct",
        "Угрозы для безопасности",
        "Сергей Лавров",
        id="lavrov-es-direct",
    ),
    # newsru-2015-russia-gonka
    row(
        GONKA_2015,
        "2015-06-17",
        "indirect",
        "беспокойство Москвы",
        "Владимир Путин",
        id="gonka-indirect",
    ),
    # newsru-2015-russia-gonka
    row(
        GONKA_2015,
        "2015-06-17",
        "direct",
        "нацелить наши ударные силы",
        "Владимир Путин",
        id="gonka-direct",
        xfail="ROLE_WRONG_ENTITY: in `подчеркнул глава государства` only `государства` becomes a role mention, linked to Финляндия (from `президентом Финляндии`), so the speaker is a country instead of Путин",
    ),
    # newsru-2005-world-tl
    row(
        TL_2005,
        "2005-05-15",
        "indirect",
        "официальный Лондон осуждает",
        "Джек Стро",
        id="tl-indirect",
    ),
    # newsru-2005-world-tl
    row(
        TL_2005,
        "2005-05-15",
        "direct",
        "чрезвычайно озабочен",
        "Джек Стро",
        id="tl-direct",
    ),
    # newsru-2011-world-kenignoteurope
    row(
        KENIGNOTEUROPE_2011,
        "2011-08-04",
        "direct",
        "не географическое понятие",
        "Тоомас Хендрик Ильвес",
        id="kenignoteurope-direct",
    ),
    # newsru-2011-world-kenignoteurope
    row(
        KENIGNOTEUROPE_2011,
        "2011-08-04",
        "direct",
        "Никто не принадлежал",
        "Тоомас Хендрик Ильвес",
        id="kenignoteurope-direct-2",
    ),
    # newsru-2018-finance-vtbmagnit
    row(
        VTBMAGNIT_2018,
        "2018-02-16",
        "indirect",
        "период кардинальной трансформации",
        "Андрей Костин",
        id="vtbmagnit-indirect",
    ),
    # newsru-2018-finance-vtbmagnit
    row(
        VTBMAGNIT_2018,
        "2018-02-16",
        "direct",
        "вывести компанию",
        "Андрей Костин",
        id="vtbmagnit-direct",
        xfail="ROLE_WRONG_ENTITY: `сказал глава ВТБ` is linked to Владимир Путин (a Russian office-holder: `глава ВТБ` is the head of a bank, not of a state) instead of Костин named in the previous sentence",
    ),
    # interrupted quotes
    # newsru-2002-world-shah-001
    row(
        SHAH_001_2002,
        "2002-04-18",
        "indirect",
        "не считает себя будущим лидером",
        "Хамид Карзай",
        id="shah-001-indirect",
    ),
    # newsru-2002-world-shah-001
    row(
        SHAH_001_2002,
        "2002-04-18",
        "direct",
        "Сейчас я возглавляю",
        "Хамид Карзай",
        id="shah-001-direct",
    ),
    # newsru-2002-world-shah-001
    row(
        SHAH_001_2002,
        "2002-04-18",
        "direct",
        "Политическое будущее Афганистана",
        "Хамид Карзай",
        id="shah-001-direct-2",
    ),
    # newsru-2015-world-merkel-023
    row(
        MERKEL_023_2015,
        "2015-07-19",
        "direct",
        "тяжелая работа",
        "Ангела Меркель",
        id="merkel-023-direct",
    ),
    # newsru-2015-world-merkel-023
    row(
        MERKEL_023_2015,
        "2015-07-19",
        "indirect",
        "согласовав решение",
        "Ангела Меркель",
        id="merkel-023-indirect",
    ),
    # newsru-2007-world-pro-discussion
    row(
        '"Я считаю досадным, - цитирует Associated Press высказывание Кондолизы Райс, - что главнокомандующий российскими ракетными войсками стратегического назначения высказывается, что Польша и Чехия теперь тем или иным образом в списке целей России. Я думаю, это крайне неудачный комментарий".',
        "2007-02-21",
        "direct",
        "главнокомандующий российскими",
        "Кондолиза Райс",
        id="pro-discussion-direct",
    ),
    # newsru-2017-russia-misharin
    row(
        "Защитник Мишарина Эрнест Мезак напомнил, что администрация города в ответе упомянула о гайд-парках, но не предложила их напрямую.",
        "2017-05-10",
        "indirect",
        "упомянула о гайд-парках",
        "Эрнест Мезак",
        id="misharin-indirect",
    ),
    # before, with a colon
    # newsru-2011-world-robot-001
    row(
        'Директор космического центра имени Линдона Джонсона Майкл Коутс заявил: "Работая бок о бок с людьми или отправляясь туда, где риск для их жизни слишком велик, такие устройства, как Robonaut, значительно расширят наши возможности".',
        "2011-08-23",
        "direct",
        "бок о бок",
        "Майкл Коутс",
        id="robot-001-direct",
        xfail="NER: `Майкл Коутс` after `центра имени Линдона Джонсона` is not recognised (no entity at all), so the speaker is None",
    ),
    # newsru-2007-russia-ldpr-005
    row(
        'Ранее Жириновский заявил: "К сожалению, негодяев и подлецов хватает, и в том, что произошло, я вижу начало предвыборной кампании (в Госдуму)".',
        "2007-08-19",
        "direct",
        "негодяев и подлецов",
        "Жириновский",
        id="ldpr-005-direct",
    ),
    # newsru-2007-russia-lis
    row(
        LIS_2007,
        "2007-12-13",
        "direct",
        "основаны на слухах",
        "Анатолий Лисицын",
        id="lis-direct",
        xfail="BARE_ROLE: `губернатор … заявил:` is not linked to Лисицын named in the previous sentence; speaker is None",
    ),
    # newsru-2007-russia-lis
    row(LIS_2007, "2007-12-13", NOT_A_QUOTE, "Коммерсант", None, id="lis-title"),
    # newsru-2010-finance-rusal-009
    row(
        RUSAL_009_2010,
        "2010-04-13",
        "direct",
        "по-прежнему остается",
        "Владислав Соловьев",
        id="rusal-009-direct",
    ),
    # newsru-2010-finance-rusal-009
    row(RUSAL_009_2010, "2010-04-13", NOT_A_QUOTE, "Ведомостей", None, id="rusal-009-title"),
    # pronoun speakers
    # newsru-2016-russia-yanukovitch
    row(
        YANUKOVITCH_2016,
        "2016-12-15",
        "indirect",
        "готов давать показания",
        "Виктор Янукович",
        id="yanukovitch-indirect",
        xfail="RELATIVE_SUBJECT: the subject of `который, …, подчеркнул, что …` is the relative pronoun; it is not resolved to its antecedent Виктор Янукович",
    ),
    # newsru-2016-russia-yanukovitch
    row(
        YANUKOVITCH_2016,
        "2016-12-15",
        "direct",
        "Я решил принять участие",
        "Виктор Янукович",
        id="yanukovitch-direct",
    ),
    # newsru-2016-russia-prim-019
    row(
        PRIM_019_2016,
        "2016-10-26",
        "indirect",
        "экспертиза по гибели сивуча",
        "Вадим Серков",
        id="prim-019-indirect",
    ),
    # newsru-2016-russia-prim-019
    row(
        PRIM_019_2016,
        "2016-10-26",
        "direct",
        "Смерть была насильственная",
        "Вадим Серков",
        id="prim-019-direct",
    ),
    # newsru-2009-russia-zhirarrest
    row(
        ZHIRARREST_2009,
        "2009-06-02",
        "indirect",
        "не исключает возможности",
        "Сергей Горбачев",
        id="zhirarrest-indirect",
    ),
    # newsru-2009-russia-zhirarrest
    row(
        ZHIRARREST_2009,
        "2009-06-02",
        "direct",
        "Если выяснится",
        "Сергей Горбачев",
        id="zhirarrest-direct",
    ),
    # newsru-2011-russia-medved-006
    row(
        'Дмитрий Медведев высказался в поддержку заявления МИД РФ в отношении суда над экс-премьером Украины Юлией Тимошенко. "Эта позиция всего российского руководства", - сказал он на встрече с журналистами в Сочи.',
        "2011-08-31",
        "direct",
        "позиция всего российского руководства",
        "Дмитрий Медведев",
        id="medved-006-direct",
    ),
    # newsru-2012-russia-lukyanov
    row(
        LUKYANOV_2012,
        "2012-05-23",
        "direct",
        "уверяют меня",
        "Елена Заритовская",
        id="lukyanov-direct",
    ),
    # newsru-2012-russia-lukyanov
    row(
        LUKYANOV_2012,
        "2012-05-23",
        "indirect",
        "в отделе полиции",
        "Елена Заритовская",
        id="lukyanov-indirect",
        xfail="BARE_ROLE: `Женщина утверждает, что …` — the generic noun `Женщина` is not linked to Елена Заритовская named two sentences earlier",
    ),
    # newsru-2017-russia-roknaren
    row(
        'Губернатор Мурманской области Марина Ковтун, как и обещала, приехала в пятницу, 16 июня, в Апатиты, чтобы разобраться в ситуации, и встретилась с родной тетей Дарьи Любовью Тулуповой, которая помогает ей воспитывать шестилетнюю дочь.\n\nГубернатор распорядилась организовать летний отдых для дочки Стариковой, передает ТАСС. "Сейчас готовятся документы для отправки ее (Дарьи) в одну из лучших клиник, чтобы оказать ей помощь", - сообщила губернатор. "Мы можем предложить для ребенка различные варианты отдыха", - добавила она.',
        "2017-06-16",
        "direct",
        "различные варианты отдыха",
        "Марина Ковтун",
        id="roknaren-direct",
    ),
    # newsru-2014-russia-sobyaninmigrants
    row(
        SOBYANINMIGRANTS_2014,
        "2014-10-29",
        "direct",
        "касается миграции",
        "Сергей Собянин",
        id="sobyaninmigrants-direct",
    ),
    # newsru-2014-russia-sobyaninmigrants
    row(
        SOBYANINMIGRANTS_2014,
        "2014-10-29",
        NOT_A_QUOTE,
        "Вести ФМ",
        None,
        id="sobyaninmigrants-title",
    ),
    # по словам / по мнению
    # newsru-2010-world-usamks
    row(
        'Роскосмос подписал с Европейским космическим агентством соглашение о совместной научной деятельности на МКС. По словам Краснова, европейцы "дали "зеленый свет" российским ученым на использование их модуля Columbus в совместных или российских экспериментах".',
        "2010-02-01",
        "indirect",
        "европейцы",
        "Алексей Краснов",
        id="usamks-indirect",
    ),
    # newsru-2010-realty-bandera
    row(
        "В интернете Степан Бандера-мл. прочел, что президент США Барак Обама решил отдать 1,4 млн долларов, полученные им после присуждения Нобелевской премии мира в прошлом году, благотворительным фондам. По мнению Бандеры, это отличная идея.",
        "2010-03-15",
        "indirect",
        "это отличная идея",
        "Степан Бандера",
        id="bandera-indirect",
    ),
    # newsru-2018-finance-vtbmagnit
    row(
        VTBMAGNIT_2018B,
        "2018-02-16",
        "indirect",
        "пройдут перестановки",
        "Андрей Костин",
        id="vtbmagnit-indirect-2",
    ),
    # newsru-2018-finance-vtbmagnit
    row(
        VTBMAGNIT_2018B,
        "2018-02-16",
        "indirect",
        "является долгосрочной",
        "Андрей Костин",
        id="vtbmagnit-indirect-3",
    ),
    # newsru-2007-world-pro-discussion
    row(
        '"Польша и Чехия - независимые государства и принимают решение самостоятельно", - заметила Райс. Она заявила, что создаваемая система ПРО направлена не против России, а против Ирана.',
        "2007-02-21",
        "indirect",
        "направлена не против России",
        "Кондолиза Райс",
        id="pro-discussion-indirect",
    ),
    # X отметил, что / X заявил о
    # newsru-2011-russia-kprf-meeting
    row(
        'Зюганов заявил, что "таких грязных и мерзких выборов за последние 20 лет не было, самые грязные технологии, унижение, подтасовки были применены".',
        "2011-12-18",
        "direct",  # the whole reported clause is quoted: his own words (as gold annotates)
        "грязных и мерзких выборов",
        "Зюганов",
        id="kprf-meeting-direct",
    ),
    # newsru-2019-world-burkov
    row(
        "3 ноября министр юстиции Израиля Амир Охана заявил, что не возражает против приостановки экстрадиции в США российского гражданина Алексея Буркова.",
        "2019-11-05",
        "indirect",
        "не возражает против",
        "Амир Охана",
        id="burkov-indirect",
    ),
    # newsru-2017-russia-kadyrov-026
    row(
        'Незадолго до этого министр Чеченской Республики по национальной политике, внешним связям, печати и информации Джамбулат Умаров заявил о том, что новость о включении Кадырова в "список Магнитского" "сняла напряжение".',
        "2017-12-20",
        "indirect",
        "новость о включении",
        "Джамбулат Умаров",
        id="kadyrov-026-indirect",
    ),
    # newsru-2008-russia-notarius
    row(
        NOTARIUS_2008,
        "2008-12-09",
        "indirect",
        "10% столичных нотариусов",
        "Падва",
        id="notarius-indirect",
        xfail="NER: the bare surname `Падва` (`сообщил Падва`) is not recognised as a person",
    ),
    # newsru-2008-russia-notarius
    row(
        NOTARIUS_2008,
        "2008-12-09",
        "indirect",
        "обжаловать решение",
        "Падва",
        id="notarius-indirect-2",
        xfail="NER: bare surname `Падва` is not recognised, so the following `Он заявил о …` has no antecedent",
    ),
    # post-posed
    # newsru-2008-world-collider-004
    row(
        "Большой адронный коллайдер (БАК), торжественно запущенный 10 сентября и остановленный из-за поломки, может возобновить свою работу к маю 2009 года, заявил руководитель проекта БАК Лин Эванс.",
        "2008-09-25",
        "indirect",
        "возобновить свою работу",
        "Лин Эванс",
        id="collider-004-indirect",
    ),
    # newsru-2008-russia-mids
    row(
        "Москва готова к конструктивному диалогу с администрацией Барака Обамы, заявил глава МИД России Сергей Лавров.",
        "2008-11-22",
        "indirect",
        "конструктивному диалогу",
        "Сергей Лавров",
        id="mids-indirect",
    ),
    # newsru-2011-russia-medved-006
    row(
        'В частности, президент рассказал о планах по реформированию политической системы России. По его словам, реформы в системе, во всех ее институтах должны быть продолжены, и идти постепенно, но неуклонно, передает "Интерфакс". Однако это не значит, что нужно отказаться от того, что было сделано за последние 10-15 лет, отметил президент.',
        "2011-08-31",
        "indirect",
        "не значит, что нужно отказаться",
        "Дмитрий Медведев",
        id="medved-006-indirect",
        xfail="BARE_ROLE: unqualified `отметил президент` in a 2011 Russian article is not resolved; with `политической системы России` in the text and the 2011 date it is Дмитрий Медведев",
    ),
    # organisation speakers
    # newsru-2016-world-syria-029
    row(
        "В МИД Сирии заявили, что турецкая артиллерия в понедельник обстреляла приграничный район Джебаль Атера на севере провинции Латакия, в результате чего погибли мирные люди.",
        "2016-02-02",
        "indirect",
        "турецкая артиллерия",
        ("МИД Сирии", "Министерство иностранных дел Сирии"),
        id="syria-029-indirect",
        xfail="ORG_COUNTRY: `В МИД Сирии заявили` gives the speaker entity `МИД России` (its `МИД` mention is split from `Сирии` and defaults to Russia)",
    ),
    # newsru-2015-russia-mistral-013
    row(
        "В то же время в Кремле пояснили, что российское правительство устроит либо поставка кораблей, либо возврат денег.",
        "2015-06-18",
        "indirect",
        "либо поставка кораблей",
        ("Кремль", "Администрация президента России"),
        id="mistral-013-indirect",
        xfail="ORG_LOCATIVE: `в Кремле пояснили` — Кремль is found (as FAC) but not taken as the speaker of a subjectless `в X заявили/пояснили`",
    ),
    # newsru-2019-russia-rosgidromet
    row(
        "Но в Минобороны РФ заявили, что радиационный фон после взрыва остался прежним.",
        "2019-10-03",
        "indirect",
        "радиационный фон",
        (
            "Минобороны России",
            "Министерство обороны России",
            "Минобороны РФ",
            "Министерство обороны РФ",
        ),
        id="rosgidromet-indirect",
    ),
    # newsru-2019-russia-magnitogorsk-snos
    row(
        "Вечером 3 января МЧС сообщило о завершении поисково-спасательной операции.",
        "2019-01-06",
        "indirect",
        "завершении поисково-спасательной",
        ("МЧС России", "МЧС"),
        id="magnitogorsk-snos-indirect",
    ),
    # newsru-2005-finance-yuk-014
    row(
        YUK_014_2005,
        "2005-05-13",
        "indirect",
        "через систему подконтрольных",
        "Роснефть",
        id="yuk-014-indirect",
    ),
    # newsru-2005-finance-yuk-014
    row(
        YUK_014_2005,
        "2005-05-13",
        "direct",
        "сделка - дарение",
        "Роснефть",
        id="yuk-014-direct",
        xfail='QUOTE_PAIRING: the previous sentence ends with one mark closing two quotes (`фондов "Юганскнефтегаза".`), which shifts the pairing so the next `"…", - считает "Роснефть"` comes out as indirect (alone it is direct)',
    ),
    # newsru-2014-russia-memo-002
    row(
        'Российский МИД разразился очередным гневным заявлением в адрес США и Евросоюза, обвинив их в "активном потворствовании государственному перевороту" на Украине и "нарушении обязательств по Будапештскому меморандуму 1994 года", хотя новые власти в Киеве и Запад аналогичные претензии предъявляют России.\n\n"В Будапештском меморандуме Россия, США и Великобритания обязались быть гарантами прав, присущих суверенитету Украины", - напоминают на Смоленской площади.',
        "2014-03-19",
        "direct",
        "гарантами прав",
        ("МИД России", "Министерство иностранных дел России", "МИД РФ"),
        id="memo-002-direct",
        xfail="ORG_METONYM: `- напоминают на Смоленской площади` (the Russian MFA by its address) is not found as a quote; `Российский МИД` of the previous sentence is the speaker",
    ),
    # newsru-2000-russia-mediamost-003
    row(
        'В связи с потоком ложной информации по поводу так называемой "сделки от 20 июля" руководство "Медиа-Моста" еще раз вынуждено заявить:\n\n- Ложью являются утверждения, что "Медиа-Мост" переводил в период переговоров какие-либо активы за рубеж.\n\n- Ложью являются заявления, что "Медиа-Мост" вышел из переговорного процесса с "Газпромом".',
        "2000-09-20",
        "list",
        "активы за рубеж",
        "Медиа-Мост",
        id="mediamost-003-list",
    ),
    # no resolvable speaker
    # newsru-2013-russia-saratovvert
    row(
        '"По предварительным данным, летчик-инструктор и курсант живы. Неизвестной остается судьба бортинженера", - заявил источник.',
        "2013-05-28",
        "direct",
        "судьба бортинженера",
        None,
        id="saratovvert-direct",
    ),
    # newsru-2003-world-rezolucia
    row(
        '"Международные дипломаты готовы продолжить работу над этим документом, однако в самих США сейчас нет команды, способной инициировать принятие этой резолюции", - заявил собеседник агентства.',
        "2003-10-10",
        "direct",
        "продолжить работу",
        None,
        id="rezolucia-direct",
    ),
    # newsru-2017-world-vsue
    row(
        "Клинтон являлась соперницей Трампа на выборах президента. По мнению следователей, произошедший скандал с утечкой повлиял на ее позиции и помог Трампу одержать победу.",
        "2017-06-23",
        "indirect",
        "скандал с утечкой",
        None,
        id="vsue-indirect",
    ),
    # titles / scare quotes
    # newsru-2001-cinema-prizy
    row(
        'Главный приз получил фильм "Мой брат Том" (Великобритания, режиссер Дом Родероу).',
        "2001-06-15",
        NOT_A_QUOTE,
        "Мой брат Том",
        None,
        id="prizy-title",
    ),
    # newsru-2012-world-israelbus
    row(
        'Во время операции "Энтеббе" погибли трое заложников-израильтян и подполковник Йонатан Нетаниягу (брат Биньямина Нетаниягу).',
        "2012-07-18",
        NOT_A_QUOTE,
        "Энтеббе",
        None,
        id="israelbus-title",
    ),
    # newsru-2008-world-kozu
    row(
        'На Октябрьской площади Минска (центр города) в воскресенье вечером прошла акция "За освобождение Козулина".',
        "2008-03-16",
        NOT_A_QUOTE,
        "За освобождение Козулина",
        None,
        id="kozu-title",
    ),
    # newsru-2007-russia-new-004
    row(
        'В свою очередь адвокат Шимкевича Виктор Данильченко отметил, что контракт с "Томскнефтью" заключила юрфирма, а Николаев-Полыновский исполнял этот контракт.',
        "2007-06-01",
        "indirect",
        "заключила юрфирма",
        "Виктор Данильченко",  # the lawyer, not his client in the genitive
        id="new004-lawyer-of",
    ),
    # newsru-2001-finance-mrot
    row(
        'Дальнейшие шаги по повышению минимального размера оплаты труда (МРОТ) будут возможны только в 2003 году, передает РИА "Новости" со ссылкой на министра труда и социального развития России Александра Починка.',
        "2001-06-01",
        "indirect",
        "будут возможны только в 2003 году",
        "Александр Починок",  # the source cited, not the agency relaying it
        id="mrot-citing",
    ),
    # newsru-2001-finance-chubaisusa
    row(
        "Напомним, что более чем в 20 штатах этой страны процесс либерализации прошел успешно.",
        "2001-06-01",
        NOT_A_QUOTE,
        "процесс либерализации прошел успешно",
        None,
        id="chubaisusa-newsroom",
    ),
    # newsru-2014-hitech-ya-blogs
    row(
        'В заявлении "Яндекса" отмечается, что данные в рейтинге уже давно не соответствовали действительности, о чем выводилось соответствующее предупреждение.',
        "2014-06-01",
        "indirect",
        "давно не соответствовали действительности",
        ("Яндекс",),
        id="ya-blogs-statement-of",
    ),
    # newsru-2008-russia-o-sport
    row(
        "Владимир Путин озвучил свои рецепты бодрости, отметив, что быть в хорошей физической форме ему помогает спорт.",
        "2008-06-01",
        "indirect",
        "ему помогает спорт",
        "Владимир Путин",  # a gerund's subject is its verb's
        id="o-sport-gerund",
    ),
    # newsru-2005-world-chinese
    row(
        'Напомним, космический корабль "Шэньчжоу-VI" с двумя космонавтами на борту успешно стартовал в среду с космодрома "Цзюцюань" в северо-западной провинции Китая Ганьсу.',
        "2005-10-13",
        NOT_A_QUOTE,
        "Цзюцюань",
        None,
        id="chinese-title",
    ),
]


@pytest.mark.parametrize(("text", "published", "kind", "needle", "speaker"), ROWS)
def test_quote(
    nlp: Pipeline, text: str, published: str, kind: str, needle: str, speaker: Speaker
) -> None:
    assert text.count(needle) == 1, "a row's needle must occur exactly once in its text"
    article = analyse(nlp, text, published)
    for quote in article.quotes:
        assert text[quote.start : quote.end] == quote.text, quote
    start = text.index(needle)
    end = start + len(needle)

    if kind == NOT_A_QUOTE:
        overlapping = [q for q in article.quotes if q.start < end and start < q.end]
        assert not overlapping, f"{needle!r} is a name, not a statement: {overlapping}"
        return

    containing = sorted(
        (q for q in article.quotes if q.start <= start and end <= q.end),
        key=lambda q: q.end - q.start,
    )
    quote = containing[0] if containing else None
    assert quote is not None, f"no quote contains {needle!r}; found {article.quotes}"
    assert quote.kind == kind, describe(article, quote)
    if speaker is None:
        assert quote.speaker is None, describe(article, quote)
        return
    entities = {e.id: e for e in article.entities}
    entity = entities.get(quote.speaker) if quote.speaker else None
    assert entity is not None, describe(article, quote)
    assert speaker_matches(entity, speaker), describe(article, quote)


def test_table_size() -> None:
    assert len(ROWS) >= 45
