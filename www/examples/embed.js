// The playground loaded by an ES import from the page's own module: the second way to load
// it (csp.html uses the plain script tag). The import defines <dynaplay-playground>.
import "../dist/playground.js";
