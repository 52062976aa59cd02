// Given names the English lists lack: South Asian, East Asian, Arabic, African, Slavic and others common in the news.
// Written without the evaluation set's held-out names: a name found only there is not here.
export const MORE_FIRST_NAMES = 'Aarav|Abhishek|Aditya|Ajay|Akash|Akhil|Amitabh|Anand|Anil|Ankit|Anupam|Arjun|Arun|Arvind|Ashok|Ashish|Deepak|' +
  'Dev|Dhruv|Dinesh|Gaurav|Gautam|Harsh|Hemant|Ishaan|Jayant|Kabir|Kiran|Krishna|Kunal|Lakshmi|Manish|Manoj|' +
  'Mukesh|Narendra|Naveen|Neha|Nikhil|Nirmala|Nitin|Pankaj|Piyush|Pooja|Pradeep|Prakash|Pranav|Prashant|Priya|' +
  'Priyanka|Raj|Rajesh|Rajiv|Rakesh|Ramesh|Ratan|Ravi|Rohan|Rohit|Sachin|Sanjay|Sanjeev|Satya|Shashi|Shiv|Shreya|' +
  'Siddharth|Smriti|Sonia|Sridhar|Subramanian|Sudha|Sujeet|Sunil|Suresh|Tanvi|Uday|Vaibhav|Varun|Vijay|Vikram|' +
  'Vinod|Vishal|Vivek|Yash|Yogesh|Gita|Indira|Jawaharlal|Mahatma|Rabindranath|Srinivasa|Venkatesh|Mohan|Kalpana|' +
  'Arundhati|Salman|Shah|Imran|Nawaz|Benazir|Asif|Bilal|Fatima|Ayesha|Zainab|Hassan|Hussein|Ali|Ahmed|Mohammed|' +
  'Muhammad|Mohamed|Mahmoud|Mustafa|Omar|Khalid|Yusuf|Ibrahim|Ismail|Abdullah|Abdul|Tariq|Karim|Rashid|Saeed|' +
  'Faisal|Nasser|Recep|Tayyip|Bashar|Hosni|Anwar|Mahathir|Jokowi|Prabowo|Rodrigo|Ferdinand|Xi|Zhang|Liu|Huang|' +
  'Zhao|Wu|Zhou|Jinping|Keqiang|Wei|Ming|Hua|Jian|Jun|Lei|Yan|Ying|Hui|Jack|Pony|Deng|Mao|Shinzo|Fumio|Yoshihide|' +
  'Kenji|Hiroshi|Takeshi|Yuki|Haruki|Masayoshi|Akio|Kim|Moon|Yoon|Jae|Min|Hyun|Sung|Jong|Joon|Vladimir|Volodymyr|' +
  'Dmitry|Sergei|Alexei|Alexey|Mikhail|Boris|Igor|Oleg|Olena|Yulia|Natalia|Svetlana|Olga|Tatiana|Vitali|Viktor|' +
  'Andrzej|Lech|Donald|Jarosław|Łukasz|Władysław|Bronisława|Maria|Marie|Wojciech|Krzysztof|Tomasz|Piotr|Pavel|' +
  'Petr|Václav|Milos|Miloš|Orbán|Ursula|Olaf|Friedrich|Frank-Walter|Emmanuel|Élisabeth|Ségolène|Nicolas|Jacques|' +
  'François|Marine|Giorgia|Sergio|Mario|Matteo|Silvio|Pedro|Mariano|Felipe|Luiz|Inácio|Jair|Dilma|Javier|' +
  'Cristina|Alberto|Gustavo|Andrés|Claudia|Nayib|Evo|Hugo|Nicolás|Fidel|Raúl|Che|Nelson|Thabo|Jacob|Cyril|Jomo|' +
  'Uhuru|William|Kwame|Nana|Muhammadu|Bola|Olusegun|Goodluck|Abiy|Paul|Yoweri|Julius|Kofi|Wangari|Chimamanda|' +
  'Ngozi|Akinwumi|Aliko|Tedros|Haile|Mo|Elon|Kimbal|Jeff|Mark|Sheryl|Tim|Jensen|Lisa|Sam|Dario|Demis|Reid|Peter|' +
  'Marc|Reed|Brian|Travis|Dara|Garrett|Drew|Evan|Bobby|Jony|Susan|Ginni|Indra|Shantanu|Parag|Nikesh|Rishi|Keir|' +
  'Theresa|Liz|Kemi|Nigel|Jeremy|Yvette|Rachel|Sadiq|Nicola|Humza|Kamala|Joe|Barack|Hillary|Nancy|Chuck|Mitch|' +
  'Ron|Gavin|Alexandria|Bernie|Elizabeth|Lina|Gary|Janet|Jerome|Antony|Jens|Mette|Sanna|Jacinda|Chris|Malcolm|' +
  'Kevin|Justin|Pierre|Stephen|Benjamin|Naftali|Yair|Ehud|Golda|Yitzhak|Shimon|Ariel|Yasser|Yahya|Hamad|Tamim|' +
  'Abdel|Fattah|Kais|Ashraf|Sriram|Sheikh|Aung|San|Suu|Hun|Sen|Thaksin|Yingluck|Prayut|Lee|Hsien|Loong|Lawrence|' +
  'Tsai|Ing-wen|Lai|Ching-te'
