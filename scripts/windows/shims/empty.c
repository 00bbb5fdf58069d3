/* Nothing: the API-set DLL only forwards (see its .def). */
