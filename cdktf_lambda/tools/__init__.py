"""Working with a synthesized stack on this machine: reading it back (:mod:`.synthesized`), running a function from
it (:mod:`.invoke`), checking it against Lambda's limits and platform (:mod:`.doctor`, :mod:`.elf`), and serving a
function's ASGI app (:mod:`.serve`). What ``cdktf-lambda invoke | doctor | serve`` run."""
