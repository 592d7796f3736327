"""The LINE Official Account bot: answers with page citations in a LINE chat.

LINE posts signed webhook calls to ``/line/webhook`` (:mod:`rag.web.line.webhook`
checks and parses them with the official ``line-bot-sdk``). :class:`rag.web.line.bot.LineBot`
answers each event in the background and replies through the Messaging API
(:mod:`rag.web.line.client`): the Thai answer as text (:mod:`rag.web.line.messages`),
the sources as a Flex carousel with links to ``/doc/{id}`` at the cited page
(:mod:`rag.web.line.flex`), and quick-reply chips with 👍/👎 and follow-ups. Each
LINE chat's recent turns and the events already seen are kept in
``<index_dir>/line.sqlite3`` (:mod:`rag.web.line.store`).
"""
