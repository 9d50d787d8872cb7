/* Province → city → district on any form with those three selects: refill the next select
   from the region list (the script tag's data-url) when one changes. */
(function () {
  "use strict";
  var url = document.currentScript.dataset.url;
  document.addEventListener("DOMContentLoaded", function () {
    var province = document.getElementById("id_province");
    var city = document.getElementById("id_city");
    var district = document.getElementById("id_district");
    function refill(select, params) {
      htmx.ajax("GET", url + "?" + new URLSearchParams(params), { target: select, swap: "innerHTML" });
    }
    province.addEventListener("change", function () {
      refill(city, { level: "city", province: province.value });
      district.innerHTML = '<option value="">---------</option>';
    });
    city.addEventListener("change", function () {
      refill(district, { level: "district", province: province.value, city: city.value });
    });
  });
})();
