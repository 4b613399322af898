export { Badge } from "./index.web.js";
