export { CategoryLegend } from "./index.web.js";
