"""Reading a NukeViet 4.x database: from a `.sql` dump file (mysqldump / mariadb-dump), or
from a live MySQL/MariaDB server through a connection URL. Both give the same rows.

Contract (the importers code against it):

    source = open_source("dump.sql")            # or "mysql://user:pass@host/db"
    source.prefix                               # "nv4"  (table prefix, found in the tables)
    source.language                             # "vi"   (the site language's tables)
    source.has(name)                            # name without prefix: "vi_news_rows", "counter"
    source.columns(name) -> list[str]
    source.rows(name) -> Iterator[dict[str, object]]   # str / int / float / None; in file order
    source.close()

`name` is the table's name after "<prefix>_", e.g. "vi_news_rows", "vi_laws_row", "users",
"counter"; `source.lang(name)` gives f"{language}_{name}" for the language tables
("news_rows" -> "vi_news_rows").
"""

from __future__ import annotations
