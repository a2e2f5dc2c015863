"""The local AWS emulator: a moto server on 127.0.0.1 (:mod:`.server`), started by PID and stopped by PID, with
the patches that make it answer as AWS does (:mod:`.fidelity`) and, beneath it, the local cloud that runs the
deployed app inside it (:mod:`.cloud`). The only room that imports moto; :mod:`.contents` lists what exists in a
server."""
